package io.omnivibe.api;

import io.omnivibe.upstream.ConversationKey;

/**
 * Checks the path parameters of a lookup before anything is sent upstream. Messages name the
 * parameter and the rule, never the value: the identifiers are secrets.
 */
final class LookupRequests {

    static final int MAX_IDENTIFIER_LENGTH = 255;

    private LookupRequests() {
    }

    static ConversationKey parse(String inboxIdentifier, String contactIdentifier, String conversationId) {
        return new ConversationKey(
                identifier("inbox_identifier", inboxIdentifier),
                identifier("contact_identifier", contactIdentifier),
                conversationId(conversationId));
    }

    private static String identifier(String name, String value) {
        if (value == null || value.isBlank()) {
            throw invalid(name + " must not be blank");
        }
        if (value.length() > MAX_IDENTIFIER_LENGTH) {
            throw invalid(name + " must be at most " + MAX_IDENTIFIER_LENGTH + " characters long");
        }
        if (value.equals(".") || value.equals("..")) {
            throw invalid(name + " must not be '.' or '..'");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '/') {
                throw invalid(name + " must not contain a slash");
            }
            if (Character.isISOControl(c)) {
                throw invalid(name + " must not contain control characters");
            }
        }
        return value;
    }

    private static long conversationId(String value) {
        String rule = "conversation_id must be a positive integer no larger than " + Long.MAX_VALUE;
        if (value == null || value.isEmpty() || value.length() > 19 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw invalid(rule);
        }
        long id;
        try {
            id = Long.parseLong(value);
        } catch (NumberFormatException tooLarge) {
            throw invalid(rule);
        }
        if (id <= 0) {
            throw invalid(rule);
        }
        return id;
    }

    private static InvalidLookupRequestException invalid(String message) {
        return new InvalidLookupRequestException(message);
    }
}

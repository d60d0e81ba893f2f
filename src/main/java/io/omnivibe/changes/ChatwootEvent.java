package io.omnivibe.changes;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One webhook delivery's event, read for what it makes stale (docs/chatwoot-webhooks.md). Only
 * deliveries that passed their signature check are read.
 */
record ChatwootEvent(String name, Kind kind, List<ChangeMark> marks) {

    enum Kind {
        /** Names the copies it makes stale. */
        CHANGE,
        /** An event that changes no document: typing, web widget, inbox. */
        NO_CHANGE,
        /** An event this service does not know. */
        UNKNOWN,
        /** An event that changes documents, without ids to say which. */
        UNMAPPED
    }

    /** Events whose payload is the conversation's webhook data. */
    private static final Set<String> CONVERSATION_EVENTS = Set.of("conversation_created", "conversation_updated",
            "conversation_status_changed");
    /** Events whose payload is a message, with its conversation's webhook data under {@code conversation}. */
    private static final Set<String> MESSAGE_EVENTS = Set.of("message_created", "message_updated");
    /** Events whose payload is a contact: documents embed it. */
    private static final Set<String> CONTACT_EVENTS = Set.of("contact_created", "contact_updated");
    private static final Set<String> NO_CHANGE_EVENTS = Set.of("conversation_typing_on", "conversation_typing_off",
            "webwidget_triggered", "inbox_created", "inbox_updated");
    /** A source id longer than a lookup's identifier may be could not name a lookup. */
    private static final int MAX_CONTACT_IDENTIFIER_LENGTH = 255;

    /** @throws MalformedDeliveryException when the body is not a JSON object with an {@code event} name */
    static ChatwootEvent read(byte[] body, ObjectMapper mapper) {
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (IOException unreadable) {
            throw new MalformedDeliveryException("the body is not valid JSON");
        }
        if (root == null || !root.isObject() || !root.path("event").isTextual()) {
            throw new MalformedDeliveryException("the body is not a JSON object with an \"event\" name");
        }
        String name = root.get("event").textValue();
        if (CONVERSATION_EVENTS.contains(name)) {
            return changing(name, conversationMarks(root));
        }
        if (MESSAGE_EVENTS.contains(name)) {
            return changing(name, conversationMarks(root.path("conversation")));
        }
        if (CONTACT_EVENTS.contains(name)) {
            return changing(name, wholeNumber(root.path("id")) ? List.of(new ChangeMark.Contact(root.get("id").longValue())) : List.of());
        }
        return new ChatwootEvent(name, NO_CHANGE_EVENTS.contains(name) ? Kind.NO_CHANGE : Kind.UNKNOWN, List.of());
    }

    private static ChatwootEvent changing(String name, List<ChangeMark> marks) {
        return new ChatwootEvent(name, marks.isEmpty() ? Kind.UNMAPPED : Kind.CHANGE, marks);
    }

    /**
     * A conversation's webhook data: its document by inbox and id (also by {@code display_id}, for
     * releases whose {@code id} is the internal one), and every conversation of its contact
     * identifier, which covers a fork that sends only internal ids.
     */
    private static List<ChangeMark> conversationMarks(JsonNode conversation) {
        Set<ChangeMark> marks = new LinkedHashSet<>();
        JsonNode inboxId = conversation.path("inbox_id");
        if (wholeNumber(inboxId)) {
            for (String idField : List.of("id", "display_id")) {
                JsonNode id = conversation.path(idField);
                if (wholeNumber(id)) {
                    marks.add(new ChangeMark.Conversation(inboxId.longValue(), id.longValue()));
                }
            }
        }
        JsonNode sourceId = conversation.path("contact_inbox").path("source_id");
        if (sourceId.isTextual() && !sourceId.textValue().isEmpty() && sourceId.textValue().length() <= MAX_CONTACT_IDENTIFIER_LENGTH) {
            marks.add(new ChangeMark.ContactIdentifier(sourceId.textValue()));
        }
        return List.copyOf(marks);
    }

    private static boolean wholeNumber(JsonNode node) {
        return node.isIntegralNumber() && node.canConvertToLong();
    }
}

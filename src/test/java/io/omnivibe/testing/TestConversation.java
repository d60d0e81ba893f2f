package io.omnivibe.testing;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * A conversation address for one test, with fresh identifiers so that tests never share stale
 * copies, and so that a log or body holding them can only have got them from this test.
 */
public record TestConversation(String inboxIdentifier, String contactIdentifier, long conversationId) {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHANUMERICS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static TestConversation fresh() {
        StringBuilder inboxToken = new StringBuilder();
        for (int i = 0; i < 24; i++) {
            inboxToken.append(ALPHANUMERICS.charAt(RANDOM.nextInt(ALPHANUMERICS.length())));
        }
        return new TestConversation(inboxToken.toString(), UUID.randomUUID().toString(), 1 + RANDOM.nextInt(1_000_000));
    }

    /** The path this service answers on. */
    public String lookupPath() {
        return "/inboxes/" + inboxIdentifier + "/contacts/" + contactIdentifier + "/conversations/" + conversationId;
    }

    /** The path the upstream is asked on. */
    public String upstreamPath() {
        return "/public/api/v1" + lookupPath();
    }
}

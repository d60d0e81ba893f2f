package io.omnivibe.upstream;

/**
 * The numbers a conversation document carries that Chatwoot's webhooks name it by: its inbox's
 * numeric {@code inbox_id}, its own {@code id} (the display id) and its contact's {@code id}. A
 * value the document does not carry as a whole number is {@link #UNKNOWN}.
 */
public record DocumentIds(long inboxId, long conversationId, long contactId) {

    public static final long UNKNOWN = Long.MIN_VALUE;

    public static final DocumentIds NONE = new DocumentIds(UNKNOWN, UNKNOWN, UNKNOWN);

    /** Whether an event about the conversation can name this document: its inbox and its id are known. */
    public boolean conversationKnown() {
        return inboxId != UNKNOWN && conversationId != UNKNOWN;
    }
}

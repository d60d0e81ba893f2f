package io.omnivibe.changes;

/**
 * What a change names, as the copies it makes stale can be found by (docs/chatwoot-webhooks.md,
 * "The mapping"): a conversation by its document's inbox and id, every conversation of a contact
 * identifier (in any inbox: wider than the event's, and it needs no inbox's public identifier), or
 * every conversation whose document embeds a contact.
 */
sealed interface ChangeMark {

    /** A document whose {@code inbox_id} and {@code id} are these. */
    record Conversation(long inboxId, long conversationId) implements ChangeMark {
    }

    /** A lookup whose contact identifier (Chatwoot's contact inbox {@code source_id}) is this one. */
    record ContactIdentifier(String contactIdentifier) implements ChangeMark {
    }

    /** A document whose {@code contact.id} is this. */
    record Contact(long contactId) implements ChangeMark {
    }

    /** What a mark costs in memory, roughly: the entry, the record and its string. */
    static int weight(ChangeMark mark) {
        return 96 + (mark instanceof ContactIdentifier identifier ? 40 + 2 * identifier.contactIdentifier().length() : 16);
    }
}

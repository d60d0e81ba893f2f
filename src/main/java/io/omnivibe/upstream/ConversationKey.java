package io.omnivibe.upstream;

/**
 * Which conversation to look up. The inbox identifier is a token and the contact identifier a
 * credential, so {@link #toString()} shows fingerprints only: a key can be logged as it is.
 */
public record ConversationKey(String inboxIdentifier, String contactIdentifier, long conversationId) {

    @Override
    public String toString() {
        return "inbox " + Redaction.fingerprint(inboxIdentifier)
                + " contact " + Redaction.fingerprint(contactIdentifier)
                + " conversation " + conversationId;
    }
}

package io.omnivibe.upstream;

/** Upstream 404: unknown inbox or contact, or a conversation outside the contact's reach. */
public final class ConversationNotFoundException extends UpstreamException {

    public ConversationNotFoundException() {
        super("upstream has no such conversation for this inbox and contact");
    }
}

package io.omnivibe.upstream;

import java.time.Duration;
import java.util.Optional;

/**
 * Upstream 404: unknown inbox or contact, or a conversation outside the contact's reach. Read
 * from the upstream now, or remembered from an answer {@link #age()} ago.
 */
public final class ConversationNotFoundException extends UpstreamException {

    private final transient Optional<Duration> age;

    public ConversationNotFoundException() {
        this(Optional.empty());
    }

    private ConversationNotFoundException(Optional<Duration> age) {
        super("upstream has no such conversation for this inbox and contact");
        this.age = age;
    }

    /** The upstream's 404 read {@code age} ago, answered again without asking it. */
    public static ConversationNotFoundException remembered(Duration age) {
        return new ConversationNotFoundException(Optional.of(age));
    }

    /** How long ago the upstream said so, when this is a remembered answer; empty when it said so now. */
    public Optional<Duration> age() {
        return age;
    }
}

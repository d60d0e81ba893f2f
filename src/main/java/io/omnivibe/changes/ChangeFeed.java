package io.omnivibe.changes;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.omnivibe.shared.SharedChannel;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;

/**
 * How changes reach every instance. A single instance (no Redis named) hears every change itself:
 * the webhook comes to it. In a fleet the instance a webhook reaches publishes its changes on the
 * shared channel, and every instance (itself included) marks them on hearing them. While an
 * instance does not hear the channel it vouches for no copy ({@link ChangeMarks}): its copies
 * fall back to the short window until it hears the channel again, and then only copies fetched
 * since count as vouched for.
 */
@ApplicationScoped
// Listening starts with the service: an instance vouches for copies only once it hears the fleet.
@Startup
public class ChangeFeed {

    public enum State {
        /** No webhooks configured. */
        OFF,
        /** Webhooks come to this instance alone (no Redis named). */
        DIRECT,
        /** Hearing the fleet's changes. */
        LISTENING,
        /** Not hearing them (yet, or any longer): copies fall back to the short window. */
        LOST
    }

    private static final Logger LOG = Logger.getLogger(ChangeFeed.class);
    private static final byte FORMAT = 1;
    private static final byte CONVERSATION = 1;
    private static final byte CONTACT_IDENTIFIER = 2;
    private static final byte CONTACT = 3;
    private static final Duration PUBLISH_RETRY_DELAY = Duration.ofMillis(500);
    private static final int PUBLISH_RETRIES = 10;
    /** An event names three marks at most; a message naming more is not ours. */
    private static final int MAX_MARKS = 8;

    private final ChangeMarks marks;
    private final SharedChannel channel;
    private final Counter published;
    private final Counter publishedBefore;
    private final Counter unpublished;
    private final Counter undecodable;
    private final AtMostEvery gapNotice = new AtMostEvery(PUBLISH_RETRY_DELAY);
    private volatile State state;

    ChangeFeed(ChangeMarks marks, SharedChannel channel, MeterRegistry registry) {
        this.marks = marks;
        this.channel = channel;
        this.published = publishedCounter(registry, "published");
        this.publishedBefore = publishedCounter(registry, "duplicate");
        this.unpublished = publishedCounter(registry, "unpublished");
        this.undecodable = Counter.builder("omnivibe.changes.undecodable")
                .description("Messages from the fleet that opened but were not changes this instance reads (another release's format)")
                .register(registry);
        if (!marks.enabled()) {
            state = State.OFF;
            return;
        }
        if (!channel.enabled()) {
            state = State.DIRECT;
            return;
        }
        state = State.LOST;
        marks.stopVouching();
        Gauge.builder("omnivibe.changes.feed.listening", this, feed -> feed.state == State.LISTENING ? 1 : 0)
                .description("1 while this instance hears the fleet's changes; 0 while it does not, and serves copies only"
                        + " within lookup.webhooks.fallback-fresh-for-ms")
                .register(registry);
        channel.listen(new SharedChannel.Listener() {
            @Override
            public void heard(byte[] message) {
                decode(message).ifPresentOrElse(changed -> {
                    if (changed.isEmpty()) {
                        ChangeFeed.this.marks.missedBefore(System.nanoTime());
                    } else {
                        ChangeFeed.this.marks.mark(changed);
                    }
                }, undecodable::increment);
            }

            @Override
            public void listening(long sinceNanos) {
                ChangeFeed.this.marks.vouchFrom(sinceNanos, channel::hearing);
                State before = state;
                state = State.LISTENING;
                if (before == State.LOST) {
                    LOG.info("Hearing the fleet's changes (Redis): copies fetched from now on are fresh for lookup.fresh-for-ms");
                }
            }

            @Override
            public void lost(String why) {
                ChangeFeed.this.marks.stopVouching();
                State before = state;
                state = State.LOST;
                if (before == State.LISTENING) {
                    LOG.warnf("Not hearing the fleet's changes (%s): copies are fresh for lookup.webhooks.fallback-fresh-for-ms"
                            + " only, until Redis is heard again", why);
                }
            }
        });
    }

    private static Counter publishedCounter(MeterRegistry registry, String result) {
        return Counter.builder("omnivibe.changes.published").tag("result", result)
                .description("Changes sent to the fleet; duplicate: another instance had published the same delivery;"
                        + " unpublished: Redis did not take them, so other instances missed them")
                .register(registry);
    }

    public State state() {
        return state;
    }

    /**
     * Marks the changes here at once, and in a fleet sends them to every instance, once for the
     * delivery: an instance that receives it again (a replay to another instance) sends nothing.
     */
    void changed(List<ChangeMark> changed, String delivery, Duration remembered) {
        marks.mark(changed);
        if (state != State.DIRECT) {
            publish(delivery, remembered, encode(changed));
        }
    }

    /**
     * A delivery from Chatwoot (or a known sender) could not be read (not an event, cut off, or
     * too many at once): a change may have gone unheard, so no copy fetched before now is vouched for, here and (at most twice
     * a second) on every instance.
     */
    void missed() {
        long now = System.nanoTime();
        marks.missedBefore(now);
        if (state == State.DIRECT || state == State.OFF) {
            return;
        }
        if (gapNotice.now()) {
            publish(UUID.randomUUID().toString(), PUBLISH_RETRY_DELAY, encode(List.of()));
        }
    }

    /**
     * Sends to the fleet, tried again while Redis does not take it: a change the others do not
     * hear is served stale by them for the whole window. Up to {@link #PUBLISH_RETRIES} more tries
     * half a second apart, each waiting up to a second for Redis (its lost-after time): 5 to 16 s in all.
     */
    private void publish(String name, Duration remembered, byte[] message) {
        Uni.createFrom().deferred(() -> channel.publishOnce(name, remembered, message))
                .flatMap(reached -> reached.map(count -> Uni.createFrom().item(count))
                        .orElseGet(() -> Uni.createFrom().failure(new IllegalStateException("Redis did not take it"))))
                .onFailure().retry().withBackOff(PUBLISH_RETRY_DELAY, PUBLISH_RETRY_DELAY).atMost(PUBLISH_RETRIES)
                .subscribe().with(reached -> (reached < 0 ? publishedBefore : published).increment(), failure -> {
                    unpublished.increment();
                    LOG.warnf("A change could not be sent to the fleet in %d tries (Redis did not take it): other instances may"
                            + " serve copies it names until their window ends", PUBLISH_RETRIES + 1);
                });
    }

    private static byte[] encode(List<ChangeMark> changed) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeByte(changed.size());
            for (ChangeMark mark : changed) {
                if (mark instanceof ChangeMark.Conversation conversation) {
                    out.writeByte(CONVERSATION);
                    out.writeLong(conversation.inboxId());
                    out.writeLong(conversation.conversationId());
                } else if (mark instanceof ChangeMark.ContactIdentifier identifier) {
                    out.writeByte(CONTACT_IDENTIFIER);
                    out.writeUTF(identifier.contactIdentifier());
                } else if (mark instanceof ChangeMark.Contact contact) {
                    out.writeByte(CONTACT);
                    out.writeLong(contact.contactId());
                }
            }
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return bytes.toByteArray();
    }

    /** The marks a message carries (none: changes were missed before now); empty when it is of another format. */
    private static Optional<List<ChangeMark>> decode(byte[] message) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(message))) {
            int count = in.readByte() == FORMAT ? in.readUnsignedByte() : MAX_MARKS + 1;
            if (count > MAX_MARKS) {
                return Optional.empty();
            }
            List<ChangeMark> changed = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                switch (in.readByte()) {
                    case CONVERSATION -> changed.add(new ChangeMark.Conversation(in.readLong(), in.readLong()));
                    case CONTACT_IDENTIFIER -> changed.add(new ChangeMark.ContactIdentifier(in.readUTF()));
                    case CONTACT -> changed.add(new ChangeMark.Contact(in.readLong()));
                    default -> {
                        return Optional.empty();
                    }
                }
            }
            return Optional.of(changed);
        } catch (IOException cutShort) {
            return Optional.empty();
        }
    }
}

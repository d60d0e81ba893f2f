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

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.omnivibe.shared.SharedChannel;
import io.quarkus.runtime.Startup;

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
    /** An event names three marks at most; a message naming more is not ours. */
    private static final int MAX_MARKS = 8;

    private final ChangeMarks marks;
    private final SharedChannel channel;
    private final Counter published;
    private final Counter publishedBefore;
    private final Counter unpublished;
    private volatile State state;

    ChangeFeed(ChangeMarks marks, SharedChannel channel, MeterRegistry registry) {
        this.marks = marks;
        this.channel = channel;
        this.published = publishedCounter(registry, "published");
        this.publishedBefore = publishedCounter(registry, "duplicate");
        this.unpublished = publishedCounter(registry, "unpublished");
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
                decode(message).ifPresent(ChangeFeed.this.marks::mark);
            }

            @Override
            public void listening(long sinceNanos) {
                ChangeFeed.this.marks.vouchFrom(sinceNanos);
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
        if (state == State.DIRECT) {
            return;
        }
        channel.publishOnce(delivery, remembered, encode(changed)).subscribe().with(reached -> {
            if (reached.isEmpty()) {
                unpublished.increment();
            } else {
                (reached.get() < 0 ? publishedBefore : published).increment();
            }
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

    /** The marks a message carries; empty when it is of another format (an instance of another version sent it). */
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

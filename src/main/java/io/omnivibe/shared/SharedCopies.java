package io.omnivibe.shared;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.omnivibe.config.LookupPolicy;
import io.omnivibe.upstream.ConversationKey;
import io.omnivibe.upstream.DocumentIds;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * Good copies shared by every instance naming the same Redis and namespace, and the upstream's 404s
 * in their place: each good answer is written (expiring at the copies' maximum age, counted from when its fetch began), and any
 * instance, also one that just started, can read it. A value is the lifetime it was written with,
 * the document's ids, the entity tag and the body, sealed ({@link Sealing}). A copy's age is that
 * lifetime less what Redis says is left of it: counted on Redis's clock alone, so instances whose
 * clocks differ agree on it.
 */
@ApplicationScoped
public class SharedCopies {

    private static final byte FORMAT = 3;
    /** The upstream's 404 in place of a copy: the format and its lifetime only. */
    private static final byte ABSENCE_FORMAT = 4;
    /** Format, lifetime in milliseconds, the document's three ids, entity tag length. */
    private static final int HEADER_BYTES = 1 + Long.BYTES + 3 * Long.BYTES + Short.BYTES;

    private final SharedStore store;
    private final long maxAgeMs;
    private final int maxDocumentBytes;
    private final Counter rejected;

    SharedCopies(SharedStore store, LookupPolicy policy, MeterRegistry registry) {
        this.store = store;
        this.maxAgeMs = policy.stale().maxAgeMs();
        this.maxDocumentBytes = policy.shared().maxDocumentBytes();
        this.rejected = Counter.builder("omnivibe.shared.copies.rejected")
                .description("Shared copies ignored because they did not open with this instance's secret (tampered, or another secret)")
                .register(registry);
    }

    public boolean enabled() {
        return store.enabled();
    }

    /**
     * Writes a good answer, fetched by a call that began {@code alreadyOld} ago, for the fleet,
     * without waiting: the lookup's answer does not depend on it.
     */
    public void keep(ConversationKey key, byte[] json, String etag, DocumentIds ids, Duration alreadyOld) {
        long timeLeftMs = maxAgeMs - alreadyOld.toMillis();
        if (!store.enabled() || json.length > maxDocumentBytes || timeLeftMs <= 0) {
            return;
        }
        String redisKey = redisKey(key);
        byte[] tag = etag.getBytes(StandardCharsets.US_ASCII);
        byte[] plain = ByteBuffer.allocate(HEADER_BYTES + tag.length + json.length)
                .put(FORMAT).putLong(maxAgeMs)
                .putLong(ids.inboxId()).putLong(ids.conversationId()).putLong(ids.contactId())
                .putShort((short) tag.length).put(tag).put(json)
                .array();
        byte[] sealed = store.sealing().seal(plain, redisKey.getBytes(StandardCharsets.UTF_8));
        store.send(SharedStore.Operation.WRITE, Request.cmd(Command.SET).arg(redisKey).arg(sealed).arg("PX").arg(timeLeftMs))
                .subscribe().with(written -> {
                });
    }

    /**
     * Writes the upstream's 404 for a conversation, read by a call that began {@code alreadyOld}
     * ago, in place of the fleet's copy, to be kept {@code absentFor} from that call: another
     * instance then answers it without an upstream call, and no instance serves the copy it replaces.
     */
    public void keepAbsence(ConversationKey key, Duration absentFor, Duration alreadyOld) {
        long timeLeftMs = absentFor.toMillis() - alreadyOld.toMillis();
        if (!store.enabled()) {
            return;
        }
        if (timeLeftMs <= 0) {
            forget(key);
            return;
        }
        String redisKey = redisKey(key);
        byte[] plain = ByteBuffer.allocate(1 + Long.BYTES).put(ABSENCE_FORMAT).putLong(absentFor.toMillis()).array();
        byte[] sealed = store.sealing().seal(plain, redisKey.getBytes(StandardCharsets.UTF_8));
        store.send(SharedStore.Operation.WRITE, Request.cmd(Command.SET).arg(redisKey).arg(sealed).arg("PX").arg(timeLeftMs))
                .subscribe().with(written -> {
                });
    }

    /** Removes the fleet's copy of a conversation the upstream no longer shows, without waiting. */
    public void forget(ConversationKey key) {
        if (!store.enabled()) {
            return;
        }
        store.send(SharedStore.Operation.WRITE, Request.cmd(Command.DEL).arg(redisKey(key)))
                .subscribe().with(deleted -> {
                });
    }

    /** The fleet's copy of this conversation; empty when there is none, it does not open, or Redis did not answer. */
    public Uni<Optional<SharedCopy>> read(ConversationKey key) {
        if (!store.enabled()) {
            return Uni.createFrom().item(Optional.empty());
        }
        String redisKey = redisKey(key);
        // The time left first: a copy written between the two reads then looks older than it is,
        // never younger. (A script would read both at once, but Redis holds scripts while it
        // pauses writes, as in a failover, and reads must go on then.)
        List<Request> timeLeftThenValue = List.of(Request.cmd(Command.PTTL).arg(redisKey), Request.cmd(Command.GET).arg(redisKey));
        // Redis read the time left somewhere within the round trip: counted from the send, the copy
        // is taken for older than it is, never younger (a change heard meanwhile must not look older than it).
        long sentNanos = System.nanoTime();
        return store.sendInOrder(SharedStore.Operation.READ, timeLeftThenValue)
                .map(answers -> answers.filter(timeLeftAndValue -> timeLeftAndValue.get(1) != null)
                        .flatMap(timeLeftAndValue -> open(timeLeftAndValue.get(0).toLong(), timeLeftAndValue.get(1), redisKey)
                                .map(copy -> olderBy(copy, Duration.ofNanos(System.nanoTime() - sentNanos)))));
    }

    private static SharedCopy olderBy(SharedCopy copy, Duration roundTrip) {
        return new SharedCopy(copy.json(), copy.etag(), copy.ids(), copy.age().plus(roundTrip), copy.absent());
    }

    private Optional<SharedCopy> open(long timeLeftMs, Response value, String redisKey) {
        Optional<byte[]> plain = store.sealing().open(value.toBytes(), redisKey.getBytes(StandardCharsets.UTF_8));
        if (plain.isEmpty()) {
            rejected.increment();
            return Optional.empty();
        }
        ByteBuffer copy = ByteBuffer.wrap(plain.get());
        byte format = copy.get();
        // A copy of another format (an instance of another version wrote it), or one whose time
        // left is not known (it expired, or was written, between the two reads): its age cannot be known.
        if (format != FORMAT && format != ABSENCE_FORMAT || timeLeftMs < 0) {
            return Optional.empty();
        }
        long lifetimeMs = copy.getLong();
        if (format == ABSENCE_FORMAT) {
            return Optional.of(SharedCopy.absence(Duration.ofMillis(Math.max(0, lifetimeMs - timeLeftMs))));
        }
        DocumentIds ids = new DocumentIds(copy.getLong(), copy.getLong(), copy.getLong());
        byte[] tag = new byte[copy.getShort()];
        copy.get(tag);
        byte[] json = new byte[copy.remaining()];
        copy.get(json);
        Duration age = Duration.ofMillis(Math.max(0, lifetimeMs - timeLeftMs));
        return Optional.of(new SharedCopy(json, new String(tag, StandardCharsets.US_ASCII), ids, age, false));
    }

    private String redisKey(ConversationKey key) {
        return store.key("copy", store.sealing().name(key));
    }
}

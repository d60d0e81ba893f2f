package io.omnivibe.shared;

import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * One cap on upstream calls for every instance naming the same Redis and namespace, handed out in
 * leases: a few permits at a time, for an instance to use within {@link #LEASE}. Permits are
 * counted in buckets of 5 s (the 12 whole ones of the last minute, the current one and the one a new lease counts in), in one hash: constant memory whatever the cap. The script runs
 * atomically in Redis on Redis's clock, so instances whose clocks differ still count the same
 * minute.
 * <p>
 * Why no 60 s ever holds more calls than the cap (docs/architecture.md has it at length): a lease
 * is counted in the bucket of {@link #COUNTED_UNTIL} after its grant, later than any of its
 * permits can start a call; a grant counts the last 12 whole buckets, the current one and any
 * later one. Take any 60 s holding calls and the last lease granted before its end: every lease
 * with a call in those 60 s ends in them or after, so it is in a bucket that grant counted; and
 * that grant was allowed only while all it counted, itself included, stayed within the cap.
 * Permits an instance did not use are given back once their lease is over, never before.
 */
@ApplicationScoped
public class SharedCallCap {

    /** A lease of permits, or a refusal for a while, or nothing known (Redis did not answer or is lost). */
    public sealed interface Answer {
    }

    /** {@code permits} to use before the lease ends; {@code bucket} is where they are counted, for giving back. */
    public record Granted(int permits, long bucket) implements Answer {
    }

    public record Refused(Duration retryAfter) implements Answer {
    }

    public record Unknown() implements Answer {
    }

    /** How long an instance may hand out a lease's permits, counted from before it asked for them. */
    public static final Duration LEASE = Duration.ofSeconds(1);
    /**
     * How long after Redis granted a lease its permits count as in use: the lease, and as long
     * again for a permit's way from the hand-out to its call.
     */
    static final Duration COUNTED_UNTIL = LEASE.multipliedBy(2);
    private static final int BUCKET_MS = 5_000;
    private static final int WHOLE_BUCKETS = 12;

    /**
     * KEYS[1]: the buckets; ARGV: the cap, the bucket length, the whole buckets in a minute, the
     * permits wanted, how long a lease counts. Returns {granted, bucket} with granted at least 1,
     * else {0, milliseconds until the oldest counted bucket leaves}. Sent whole each time (EVAL):
     * Redis caches it by its digest, and nothing is lost when Redis restarts or its scripts are
     * flushed.
     */
    private static final String LEASE_PERMITS = """
            local time = redis.call('TIME')
            local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
            local cap, size, whole = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
            local wanted, counted = tonumber(ARGV[4]), tonumber(ARGV[5])
            local current = math.floor(now / size)
            local counts = redis.call('HGETALL', KEYS[1])
            local total, oldest = 0, current
            for i = 1, #counts, 2 do
              local bucket = tonumber(counts[i])
              if bucket < current - whole then
                redis.call('HDEL', KEYS[1], counts[i])
              else
                total = total + tonumber(counts[i + 1])
                if bucket < oldest then oldest = bucket end
              end
            end
            if total >= cap then
              return {0, math.max(1, (oldest + whole + 1) * size - now)}
            end
            local granted = math.min(wanted, cap - total)
            local bucket = math.floor((now + counted) / size)
            redis.call('HINCRBY', KEYS[1], bucket, granted)
            redis.call('PEXPIRE', KEYS[1], (whole + 1) * size + counted)
            return {granted, bucket}
            """;

    /** KEYS[1]: the buckets; ARGV: a bucket, the permits unused. Takes them off that bucket's count while it is kept. */
    private static final String GIVE_BACK = """
            local left = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
            local unused = math.min(left, tonumber(ARGV[2]))
            if unused > 0 then redis.call('HINCRBY', KEYS[1], ARGV[1], -unused) end
            return unused
            """;

    private final SharedStore store;

    SharedCallCap(SharedStore store) {
        this.store = store;
    }

    public boolean enabled() {
        return store.enabled();
    }

    /** Whether Redis is known lost, so that an instance may use its offline allowance. */
    public boolean unreachable() {
        return store.unreachable();
    }

    /**
     * Asks for up to {@code wanted} permits; the answer comes when Redis gives it, or as unknown
     * when it fails or is lost ({@link SharedStore#LOST_AFTER}): a caller that cannot wait that long
     * bounds its own wait.
     */
    public Uni<Answer> lease(int callsPerMinute, int wanted) {
        Request request = Request.cmd(Command.EVAL).arg(LEASE_PERMITS).arg(1).arg(capKey())
                .arg(callsPerMinute).arg(BUCKET_MS).arg(WHOLE_BUCKETS).arg(wanted).arg(COUNTED_UNTIL.toMillis());
        return store.sendUntilLost(SharedStore.Operation.CAP, request).map(this::answer);
    }

    private Answer answer(Optional<Response> reply) {
        if (reply.isEmpty()) {
            return new Unknown();
        }
        try {
            int granted = reply.get().get(0).toInteger();
            long bucketOrWait = reply.get().get(1).toLong();
            return granted > 0 ? new Granted(granted, bucketOrWait) : new Refused(Duration.ofMillis(bucketOrWait));
        } catch (RuntimeException unreadable) {
            // Not what the script returns: a Redis-compatible server that runs it otherwise
            // will answer every lease so, and the instance has only its offline allowance.
            store.unusable("answers a lease with what the script does not return (" + shortened(reply.get()) + ")");
            return new Unknown();
        }
    }

    private static String shortened(Response reply) {
        String text = String.valueOf(reply);
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }

    /** Gives back the permits of a lease that is over and were not used; nothing waits for it. */
    public void giveBack(Granted lease, int unused) {
        Request request = Request.cmd(Command.EVAL).arg(GIVE_BACK).arg(1).arg(capKey()).arg(lease.bucket()).arg(unused);
        store.send(SharedStore.Operation.CAP, request).subscribe().with(answer -> {
        });
    }

    private String capKey() {
        return store.key("cap", "calls");
    }
}

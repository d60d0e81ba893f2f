package io.omnivibe.shared;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;

/**
 * One cap on upstream calls for every instance naming the same Redis and namespace. Calls are
 * counted in 13 buckets of 5 s, in one hash: constant memory whatever the cap. Counting the last
 * 12 whole buckets and the current one covers at least the last 60 s, so no 60 s ever holds more
 * than the cap (the price: a call is counted for up to 65 s). The script runs atomically in Redis
 * on Redis's clock, so instances whose clocks differ still count the same minute.
 */
@ApplicationScoped
public class SharedCallCap {

    /** The decision for one call: allowed, refused for a while, or unknown (Redis did not answer). */
    public record Decision(boolean known, Duration retryAfter) {

        public boolean allowed() {
            return known && retryAfter.isZero();
        }
    }

    private static final int BUCKET_MS = 5_000;
    private static final int WHOLE_BUCKETS = 12;

    /**
     * KEYS[1]: the buckets; ARGV: the cap, the bucket length, the whole buckets in a minute.
     * Returns 0 when the call is allowed, else milliseconds until the oldest counted bucket leaves.
     * Sent whole each time (EVAL): Redis caches it by its digest, and nothing is lost when Redis
     * restarts or its scripts are flushed.
     */
    private static final String TAKE_PERMIT = """
            local time = redis.call('TIME')
            local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
            local cap, size, whole = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
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
              return math.max(1, (oldest + whole + 1) * size - now)
            end
            redis.call('HINCRBY', KEYS[1], current, 1)
            redis.call('PEXPIRE', KEYS[1], (whole + 1) * size)
            return 0
            """;

    private final SharedStore store;

    SharedCallCap(SharedStore store) {
        this.store = store;
    }

    public boolean enabled() {
        return store.enabled();
    }

    public Uni<Decision> take(int callsPerMinute) {
        Request request = Request.cmd(Command.EVAL).arg(TAKE_PERMIT).arg(1).arg(store.key("cap", "calls"))
                .arg(callsPerMinute).arg(BUCKET_MS).arg(WHOLE_BUCKETS);
        return store.send(SharedStore.Operation.CAP, request)
                .map(answer -> answer
                        .map(waitMs -> new Decision(true, Duration.ofMillis(waitMs.toLong())))
                        .orElse(new Decision(false, Duration.ZERO)));
    }
}

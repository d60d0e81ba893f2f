package io.omnivibe.resilience;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff from {@code lookup.retry.initial-delay-ms} with "equal jitter" (a random
 * point in the upper half of each step), so that callers failing together do not retry together.
 * The upstream's {@code Retry-After}, when it gives one, takes its place ({@link UpstreamGuard}).
 */
final class RetryBackoff {

    private final long initialDelayMillis;

    RetryBackoff(long initialDelayMillis) {
        this.initialDelayMillis = initialDelayMillis;
    }

    /** The wait before retry number {@code retry} of a lookup, 1 for the first. */
    Duration before(int retry) {
        long ceiling = initialDelayMillis << Math.min(retry - 1, 20);
        long half = ceiling / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(ceiling - half + 1));
    }
}

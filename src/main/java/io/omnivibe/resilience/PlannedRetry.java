package io.omnivibe.resilience;

import java.time.Duration;

/**
 * A failed attempt that {@link UpstreamGuard} decided to retry, and the wait it chose. It never
 * leaves the retry: the guard plans a retry only while retries are left and the wait fits the
 * lookup's budget, so SmallRye always makes it, after the wait.
 */
final class PlannedRetry extends RuntimeException {

    private final Duration wait;

    PlannedRetry(Throwable failure, Duration wait) {
        super("retry in " + wait.toMillis() + " ms", failure, false, false);
        this.wait = wait;
    }

    Duration retryWait() {
        return wait;
    }
}

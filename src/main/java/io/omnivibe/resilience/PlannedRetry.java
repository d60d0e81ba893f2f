package io.omnivibe.resilience;

import java.time.Duration;

/**
 * A failed attempt that {@link UpstreamGuard} would retry, and the wait it chose (one that fits the
 * lookup's budget). SmallRye makes the retry, after the wait, while retries are left; the last one
 * (or any, with fault tolerance switched off) leaves the guard, which hands on the failure itself.
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

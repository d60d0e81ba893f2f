package io.omnivibe.resilience;

import java.time.Duration;

/** The upstream asked us to come back later than the lookup's budget allows us to wait. */
public final class RetryAfterBeyondBudgetException extends RuntimeException {

    private final Duration retryAfter;

    public RetryAfterBeyondBudgetException(Duration retryAfter) {
        super("upstream asked to retry after " + retryAfter.toSeconds() + "s, beyond the lookup budget", null, false, false);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}

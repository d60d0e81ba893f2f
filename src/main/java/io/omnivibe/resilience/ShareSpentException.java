package io.omnivibe.resilience;

import io.smallrye.faulttolerance.api.RateLimitException;

/**
 * A lookup whose caller has spent its share of the cap while others want theirs: answered as an
 * over-cap lookup is (its stale copy, or 503 with Retry-After, when the share frees up).
 */
public final class ShareSpentException extends RateLimitException {

    ShareSpentException(long retryAfterMillis) {
        super(retryAfterMillis, "this caller's share of the upstream calls is spent while others want theirs");
    }
}

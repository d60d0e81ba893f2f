package io.omnivibe.resilience;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import io.omnivibe.upstream.TransientUpstreamException;
import io.smallrye.faulttolerance.api.CustomBackoffStrategy;

/**
 * Delay before each retry of one lookup: the upstream's {@code Retry-After} when it gave one
 * (the guard has already checked that it fits the budget), otherwise exponential backoff from
 * {@code lookup.retry.initial-delay-ms} with "equal jitter" (a random point in the upper half), so
 * that callers failing together do not retry together.
 */
public final class RetryBackoff implements CustomBackoffStrategy {

    private final AtomicInteger retries = new AtomicInteger();
    private volatile long initialDelayMillis;

    @Override
    public void init(long initialDelayInMillis) {
        this.initialDelayMillis = initialDelayInMillis;
    }

    @Override
    public long nextDelayInMillis(Throwable failure) {
        int retry = retries.getAndIncrement();
        if (failure instanceof TransientUpstreamException transientFailure && transientFailure.retryAfter().isPresent()) {
            return transientFailure.retryAfter().get().toMillis();
        }
        long ceiling = initialDelayMillis << Math.min(retry, 20);
        long half = ceiling / 2;
        return half + ThreadLocalRandom.current().nextLong(ceiling - half + 1);
    }
}

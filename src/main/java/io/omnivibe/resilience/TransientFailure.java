package io.omnivibe.resilience;

import java.util.function.Predicate;

import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

import io.omnivibe.upstream.TransientUpstreamException;

/**
 * What is worth another attempt: upstream 5xx and 429, connection failures, empty or cut-off
 * bodies, and attempts that timed out. Never a 404 or another 4xx, and never our own refusals
 * (open circuit, full bulkhead), which another attempt would only repeat.
 */
public final class TransientFailure implements Predicate<Throwable> {

    @Override
    public boolean test(Throwable failure) {
        return failure instanceof TransientUpstreamException || failure instanceof TimeoutException;
    }
}

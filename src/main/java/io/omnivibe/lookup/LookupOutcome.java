package io.omnivibe.lookup;

import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

import io.omnivibe.upstream.ConversationNotFoundException;
import io.omnivibe.upstream.UpstreamException;
import io.omnivibe.upstream.UpstreamRateLimitedException;

/** How a lookup ended, as operators count it: one value per answer the caller can get. */
public enum LookupOutcome {
    FRESH(200),
    STALE(200),
    INVALID_REQUEST(400),
    NOT_FOUND(404),
    INTERNAL_ERROR(500),
    BAD_GATEWAY(502),
    UNAVAILABLE(503),
    TIMEOUT(504);

    private final int status;

    LookupOutcome(int status) {
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** The label value for metrics and logs. */
    public String label() {
        return name().toLowerCase();
    }

    /** The outcome of a lookup that failed with this exception; {@link ProblemResponses} answers the same status. */
    static LookupOutcome of(Throwable failure) {
        if (failure instanceof InvalidLookupRequestException) {
            return INVALID_REQUEST;
        }
        if (failure instanceof ConversationNotFoundException) {
            return NOT_FOUND;
        }
        if (failure instanceof UpstreamRateLimitedException || failure instanceof RetryAfterBeyondBudgetException
                || failure instanceof CircuitBreakerOpenException || failure instanceof BulkheadException) {
            return UNAVAILABLE;
        }
        if (failure instanceof TimeoutException || failure instanceof LookupTimeoutException) {
            return TIMEOUT;
        }
        if (failure instanceof UpstreamException) {
            return BAD_GATEWAY;
        }
        return INTERNAL_ERROR;
    }
}

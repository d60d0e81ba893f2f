package io.omnivibe.resilience;

import org.eclipse.microprofile.faulttolerance.exceptions.FaultToleranceException;

import io.omnivibe.upstream.UpstreamException;

/** Describes a failure for logs without risking its message, which may quote a URL or a body. */
public final class Failures {

    private Failures() {
    }

    public static String describe(Throwable failure) {
        boolean ownWording = failure instanceof UpstreamException
                || failure instanceof LookupTimeoutException
                || failure instanceof RetryAfterBeyondBudgetException
                || failure instanceof FaultToleranceException;
        return ownWording ? failure.getMessage() : failure.getClass().getName();
    }
}

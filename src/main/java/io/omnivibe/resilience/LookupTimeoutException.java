package io.omnivibe.resilience;

/** The lookup's total budget ran out before the upstream gave an answer. */
public final class LookupTimeoutException extends RuntimeException {

    public LookupTimeoutException() {
        super("upstream gave no answer within the lookup budget", null, false, false);
    }
}

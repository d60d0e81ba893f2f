package io.omnivibe.upstream;

/**
 * A body that would take the bodies being read past {@code lookup.upstream.max-bytes-in-flight}:
 * this instance's own refusal, made instead of running out of memory. It says nothing of the
 * upstream or of this conversation, so it is neither retried nor counted by the circuit.
 */
public final class BodyBudgetSpentException extends UpstreamException {

    public BodyBudgetSpentException() {
        super("upstream bodies being read already hold lookup.upstream.max-bytes-in-flight");
    }
}

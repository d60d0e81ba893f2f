package io.omnivibe.upstream;

/**
 * A lookup the upstream did not answer with a conversation. Messages name the kind of failure
 * only: never a URL, an identifier or an upstream body, so that they are safe to log and show.
 * No stack trace is captured: these are expected outcomes, not bugs.
 */
public abstract class UpstreamException extends RuntimeException {

    protected UpstreamException(String message) {
        super(message, null, false, false);
    }
}

package io.omnivibe.upstream;

/** A status this read never answers (401, 403, 422, a redirect...): a misrouted or misconfigured upstream. */
public final class UnexpectedUpstreamStatusException extends UpstreamException {

    private final int status;

    public UnexpectedUpstreamStatusException(int status) {
        super("upstream answered unexpected HTTP " + status);
        this.status = status;
    }

    public int status() {
        return status;
    }
}

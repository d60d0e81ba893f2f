package io.omnivibe.upstream;

import java.time.Duration;

/** Upstream 5xx, from the server itself or from a proxy or load balancer in front of it. */
public final class UpstreamServerErrorException extends TransientUpstreamException {

    private final int status;

    public UpstreamServerErrorException(int status, Duration retryAfter) {
        super("upstream answered HTTP " + status, retryAfter);
        this.status = status;
    }

    public int status() {
        return status;
    }
}

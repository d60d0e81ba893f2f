package io.omnivibe.upstream;

import java.time.Duration;

/** Upstream 429. Chatwoot's throttle sends no {@code Retry-After}; proxies in front of it may. */
public final class UpstreamRateLimitedException extends TransientUpstreamException {

    public UpstreamRateLimitedException(Duration retryAfter) {
        super("upstream is rate limiting", retryAfter);
    }
}

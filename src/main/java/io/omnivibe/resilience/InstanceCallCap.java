package io.omnivibe.resilience;

import java.time.temporal.ChronoUnit;
import java.util.Optional;

import io.smallrye.faulttolerance.api.RateLimitException;
import io.smallrye.faulttolerance.api.RateLimitType;
import io.smallrye.faulttolerance.api.TypedGuard;

/**
 * The cap on upstream calls per minute of an instance on its own: rolling, so at most the cap over
 * any 60 s, and so also within each of the upstream's own fixed one-minute windows. It keeps the
 * time of each call: 8 bytes per permit. A permit is taken synchronously: nothing to wait for.
 */
final class InstanceCallCap {

    private static final Void NOTHING = null;

    private final TypedGuard<Void> guard;

    InstanceCallCap(int callsPerMinute) {
        this.guard = TypedGuard.create(Void.class)
                .withDescription("omnivibe-upstream-call-cap")
                .withRateLimit()
                .limit(callsPerMinute)
                .window(1, ChronoUnit.MINUTES)
                .type(RateLimitType.ROLLING)
                .done()
                .build();
    }

    /** Takes a permit for one call now; empty when granted, else the refusal, which says when to try again. */
    Optional<RateLimitException> take() {
        try {
            guard.call(() -> NOTHING);
            return Optional.empty();
        } catch (RateLimitException refused) {
            return Optional.of(refused);
        } catch (Exception cannotHappen) {
            throw new IllegalStateException(cannotHappen);
        }
    }
}

package io.omnivibe.resilience;

import java.time.temporal.ChronoUnit;

import jakarta.enterprise.util.TypeLiteral;

import io.omnivibe.shared.SharedCallCap;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.faulttolerance.api.RateLimitException;
import io.smallrye.faulttolerance.api.RateLimitType;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.mutiny.Uni;

/**
 * The cap on upstream calls per minute for a fleet sharing a Redis: every instance takes its
 * permits from one count there. While Redis does not answer, an instance allows itself
 * {@code lookup.shared.offline-calls-per-minute} (at most the cap) in process, so that a Redis
 * outage lets N instances spend at most N times that: the fleet's quota arithmetic is in the
 * README.
 */
final class FleetCallCap {

    /** The generic type of the offline cap's guarded call, kept for native images, where it is read by reflection. */
    @RegisterForReflection
    static final class PermitUni extends TypeLiteral<Uni<Void>> {
    }

    private final SharedCallCap shared;
    private final int callsPerMinute;
    private final TypedGuard<Uni<Void>> offline;

    FleetCallCap(SharedCallCap shared, int callsPerMinute, int offlineCallsPerMinute) {
        this.shared = shared;
        this.callsPerMinute = callsPerMinute;
        this.offline = TypedGuard.create(new PermitUni())
                .withDescription("omnivibe-upstream-offline-cap")
                .withRateLimit()
                .limit(Math.min(offlineCallsPerMinute, callsPerMinute))
                .window(1, ChronoUnit.MINUTES)
                .type(RateLimitType.ROLLING)
                .done()
                .build();
    }

    /** Completes when the call may be made; fails with {@link RateLimitException} when the cap is spent. */
    Uni<Void> permit() {
        return shared.take(callsPerMinute).flatMap(decision -> {
            if (!decision.known()) {
                return offline.get(() -> Uni.createFrom().voidItem());
            }
            return decision.allowed()
                    ? Uni.createFrom().voidItem()
                    : Uni.createFrom().failure(new RateLimitException(decision.retryAfter().toMillis(),
                            "the fleet's upstream calls for the last minute are spent"));
        });
    }
}

package io.omnivibe.changes;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Deliveries received within the span of timestamps a replay window accepts (twice the window),
 * 100 000 at most (about 15 MB): one seen again is a replay. Caffeine loads the cache's generated
 * class by reflection (see {@code StaleStore}); the names here are the ones
 * {@code SeenDeliveriesShapeTest} checks.
 */
@RegisterForReflection(classNames = { "com.github.benmanes.caffeine.cache.SSMSW", "com.github.benmanes.caffeine.cache.PSWMS" })
final class SeenDeliveries {

    private static final int MAX_REMEMBERED = 100_000;

    private final Cache<String, Boolean> seen;

    SeenDeliveries(Duration replayWindow) {
        this.seen = Caffeine.newBuilder()
                .executor(Runnable::run)
                .maximumSize(MAX_REMEMBERED)
                .expireAfterWrite(replayWindow.multipliedBy(2))
                .build();
    }

    /** Remembers the delivery so named; false when it was seen before. */
    boolean firstTime(String name) {
        return seen.asMap().putIfAbsent(name, Boolean.TRUE) == null;
    }
}

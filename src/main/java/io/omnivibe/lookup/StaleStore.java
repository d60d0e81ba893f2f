package io.omnivibe.lookup;

import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.omnivibe.config.LookupPolicy;
import io.omnivibe.upstream.ConversationKey;

/**
 * Last good copies of conversations, served when the upstream fails. Bounded in entries and in
 * age ({@code lookup.stale.*}) so that memory stays flat and nothing very old is served.
 */
@ApplicationScoped
class StaleStore {

    private record Entry(byte[] json, long storedAtNanos) {
    }

    private final Cache<ConversationKey, Entry> copies;
    private final Ticker ticker;

    @Inject
    StaleStore(LookupPolicy policy, MeterRegistry registry) {
        this(policy.stale().maxEntries(), Duration.ofMillis(policy.stale().maxAgeMs()), Ticker.systemTicker());
        Gauge.builder("omnivibe.stale.entries", this, StaleStore::size)
                .description("Last good copies held for the fallback")
                .register(registry);
    }

    StaleStore(long maxEntries, Duration maxAge, Ticker ticker) {
        this.ticker = ticker;
        this.copies = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .expireAfterWrite(maxAge)
                .ticker(ticker)
                .build();
    }

    void remember(ConversationKey key, byte[] json) {
        copies.put(key, new Entry(json, ticker.read()));
    }

    Optional<StaleCopy> recall(ConversationKey key) {
        return Optional.ofNullable(copies.getIfPresent(key))
                .map(entry -> new StaleCopy(entry.json(), Duration.ofNanos(ticker.read() - entry.storedAtNanos())));
    }

    long size() {
        return copies.estimatedSize();
    }

    /** Runs pending evictions now rather than on a later write. */
    void cleanUp() {
        copies.cleanUp();
    }
}

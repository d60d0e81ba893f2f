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
import io.omnivibe.upstream.DocumentIds;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Last good copies of conversations, served when the upstream fails, and the upstream's 404s
 * (a conversation it does not have, remembered as an absence in its place). Bounded in bytes, in
 * entries and in age ({@code lookup.stale.*}), so that memory stays flat whatever the callers
 * look up and nothing very old is served.
 * <p>
 * Caffeine builds a cache from generated classes named for its features (here: strong keys and
 * values, a maximum weight, expiry after write) and loads them by reflection. A native executable
 * holds only those registered; {@code StaleStoreShapeTest} fails when a change to the builder
 * selects a class not named here.
 */
@ApplicationScoped
// Built while the service starts: a cache that cannot be built stops start-up, not a lookup.
@Startup
@RegisterForReflection(classNames = {
        "com.github.benmanes.caffeine.cache.SSMWW",
        "com.github.benmanes.caffeine.cache.PSWMW" })
class StaleStore {

    /** A document larger than this share of the byte bound is served but not kept: it would push out many others. */
    static final int LARGEST_SHARE = 16;
    /** What an entry costs beyond its bytes: the key's strings, the entry and the cache's node, roughly. */
    private static final int ENTRY_OVERHEAD_BYTES = 200;

    /** {@code storedAtNanos}: when the fetch began; the document is as of some moment since. */
    private record Entry(byte[] json, String etag, DocumentIds ids, long storedAtNanos) {

        private static final byte[] NO_BODY = {};

        /** The upstream's 404: weighed as an entry without a body, so that absences are bounded with the copies. */
        static Entry absence(long storedAtNanos) {
            return new Entry(NO_BODY, "", DocumentIds.NONE, storedAtNanos);
        }

        boolean absent() {
            return json == NO_BODY;
        }
    }

    private final Cache<ConversationKey, Entry> copies;
    private final Ticker ticker;
    private final long maxAgeNanos;
    private final long largestDocumentBytes;

    @Inject
    StaleStore(LookupPolicy policy, MeterRegistry registry) {
        this(policy.stale().bytes(), policy.stale().maxEntries(),
                Duration.ofMillis(policy.stale().maxAgeMs()), Ticker.systemTicker());
        Gauge.builder("omnivibe.stale.entries", this, StaleStore::size)
                .description("Last good copies held for the fallback")
                .register(registry);
        Gauge.builder("omnivibe.stale.bytes", this, StaleStore::weight)
                .description("Bytes the last good copies are accounted for (each at least max-bytes / max-entries)")
                .baseUnit("bytes")
                .register(registry);
    }

    /**
     * Caffeine bounds a cache by entries or by weight, not both; weighing each copy at least
     * {@code maxBytes / maxEntries} makes the one weight bound hold both.
     */
    StaleStore(long maxBytes, long maxEntries, Duration maxAge, Ticker ticker) {
        this.ticker = ticker;
        // Caffeine caps an expiry at Long.MAX_VALUE nanoseconds (292 years); so does this.
        this.maxAgeNanos = maxAge.compareTo(Duration.ofNanos(Long.MAX_VALUE)) < 0 ? maxAge.toNanos() : Long.MAX_VALUE;
        this.largestDocumentBytes = maxBytes / LARGEST_SHARE;
        int leastWeight = (int) Math.min(Integer.MAX_VALUE, Math.max(1, maxBytes / maxEntries));
        this.copies = Caffeine.newBuilder()
                // Evictions run on the writing event loop: a few entries at a time, cheaper than
                // handing each batch to the common pool and waking one of its threads (about a tenth
                // of a lookup's CPU in bench/run's every-request-another rows).
                .executor(Runnable::run)
                .maximumWeight(maxBytes)
                .<ConversationKey, Entry> weigher((key, entry) -> Math.max(leastWeight, weight(key, entry)))
                .expireAfterWrite(maxAge)
                .ticker(ticker)
                .build();
    }

    private static int weight(ConversationKey key, Entry entry) {
        long bytes = (long) entry.json().length + 2L * (key.inboxIdentifier().length() + key.contactIdentifier().length()
                + entry.etag().length())
                + ENTRY_OVERHEAD_BYTES;
        return (int) Math.min(Integer.MAX_VALUE, bytes);
    }

    /** Keeps a document fetched by a call that began {@code alreadyOld} ago. */
    void remember(ConversationKey key, LookupResult fresh, DocumentIds ids, Duration alreadyOld) {
        byte[] json = fresh.json();
        if (json.length > largestDocumentBytes) {
            // An older copy would no longer be the last good one.
            copies.invalidate(key);
            return;
        }
        copies.put(key, new Entry(json, fresh.etag(), ids, ticker.read() - alreadyOld.toNanos()));
    }

    /**
     * Keeps a copy another instance fetched, as old as it is: it is served until its fetch is
     * {@code lookup.stale.max-age-ms} old, not that long after it came here. The cache's own expiry
     * counts from the put, so it only frees the memory later. A copy fetched here since the fleet's
     * was read (an identical lookup's answer arriving meanwhile) is newer: it stays, and is the one
     * to serve.
     *
     * @return the copy to serve: the newer of the two; the one held here, or none, when the fleet's
     *         is older than {@code lookup.stale.max-age-ms} (an instance with a longer maximum age wrote it)
     *         or a 404 read here is newer
     */
    Optional<StaleCopy> adopt(ConversationKey key, StaleCopy copy) {
        if (copy.age().toNanos() >= maxAgeNanos) {
            return recall(key);
        }
        if (copy.json().length > largestDocumentBytes) {
            return Optional.of(recall(key).filter(held -> held.age().compareTo(copy.age()) <= 0).orElse(copy));
        }
        long now = ticker.read();
        Entry fleets = new Entry(copy.json(), copy.etag(), copy.ids(), now - copy.age().toNanos());
        Entry kept = copies.asMap().merge(key, fleets,
                (held, adopted) -> held.storedAtNanos() - adopted.storedAtNanos() >= 0 ? held : adopted);
        if (kept == fleets) {
            return Optional.of(copy);
        }
        // A 404 read here since is newer than the fleet's copy: there is nothing to serve.
        return kept.absent() ? Optional.empty()
                : Optional.of(new StaleCopy(kept.json(), kept.etag(), kept.ids(), Duration.ofNanos(now - kept.storedAtNanos())));
    }

    void forget(ConversationKey key) {
        copies.invalidate(key);
    }

    /**
     * Keeps the upstream's 404 for a conversation, from a call that began {@code alreadyOld} ago,
     * in place of its copy: out of the contact's reach now, a later failure must not bring it back.
     */
    void rememberAbsence(ConversationKey key, Duration alreadyOld) {
        copies.put(key, Entry.absence(ticker.read() - alreadyOld.toNanos()));
    }

    /** Keeps another instance's 404 as old as it is, unless what is held here is newer. */
    void adoptAbsence(ConversationKey key, Duration age) {
        if (age.toNanos() >= maxAgeNanos) {
            return;
        }
        Entry fleets = Entry.absence(ticker.read() - age.toNanos());
        copies.asMap().merge(key, fleets, (held, adopted) -> held.storedAtNanos() - adopted.storedAtNanos() >= 0 ? held : adopted);
    }

    /** How long ago the upstream last answered 404 for this conversation, when that is its latest answer here. */
    Optional<Duration> recallAbsence(ConversationKey key) {
        long now = ticker.read();
        Entry entry = copies.getIfPresent(key);
        return entry != null && entry.absent() && now - entry.storedAtNanos() < maxAgeNanos
                ? Optional.of(Duration.ofNanos(now - entry.storedAtNanos()))
                : Optional.empty();
    }

    Optional<StaleCopy> recall(ConversationKey key) {
        long now = ticker.read();
        return Optional.ofNullable(copies.getIfPresent(key))
                .filter(entry -> !entry.absent() && now - entry.storedAtNanos() < maxAgeNanos)
                .map(entry -> new StaleCopy(entry.json(), entry.etag(), entry.ids(), Duration.ofNanos(now - entry.storedAtNanos())));
    }

    long size() {
        return copies.estimatedSize();
    }

    long weight() {
        return copies.policy().eviction().map(eviction -> eviction.weightedSize().orElse(0)).orElse(0L);
    }

    /** Runs pending evictions now rather than on a later write. */
    void cleanUp() {
        copies.cleanUp();
    }
}

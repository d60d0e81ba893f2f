package io.omnivibe.lookup;

import java.time.Duration;
import java.util.Optional;

/**
 * A conversation body to send and its strong entity tag (the opaque value, computed from the
 * bytes). A fresh answer was just read from the upstream; a recent one was fetched less than
 * {@code lookup.fresh-for-ms} ago, by this instance or another, and a stale one is the last good
 * copy, served because the upstream failed. Recent and stale answers say how old they are.
 */
public record LookupResult(byte[] json, String etag, Freshness freshness, Optional<Duration> age) {

    public enum Freshness {
        FRESH, RECENT, STALE
    }

    static LookupResult fresh(byte[] json) {
        return fresh(json, EntityTags.of(json));
    }

    static LookupResult fresh(byte[] json, String etag) {
        return new LookupResult(json, etag, Freshness.FRESH, Optional.empty());
    }

    static LookupResult recent(StaleCopy copy) {
        return new LookupResult(copy.json(), copy.etag(), Freshness.RECENT, Optional.of(copy.age()));
    }

    static LookupResult stale(StaleCopy copy) {
        return new LookupResult(copy.json(), copy.etag(), Freshness.STALE, Optional.of(copy.age()));
    }
}

package io.omnivibe.lookup;

import java.time.Duration;
import java.util.Optional;

/**
 * A conversation body to send, its strong entity tag (the opaque value, computed from the bytes),
 * and its age when it is a stale copy rather than a fresh answer.
 */
public record LookupResult(byte[] json, String etag, Optional<Duration> staleAge) {

    static LookupResult fresh(byte[] json) {
        return fresh(json, EntityTags.of(json));
    }

    static LookupResult fresh(byte[] json, String etag) {
        return new LookupResult(json, etag, Optional.empty());
    }

    static LookupResult stale(StaleCopy copy) {
        return new LookupResult(copy.json(), copy.etag(), Optional.of(copy.age()));
    }
}

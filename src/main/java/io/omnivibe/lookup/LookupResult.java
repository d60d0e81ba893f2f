package io.omnivibe.lookup;

import java.time.Duration;
import java.util.Optional;

/**
 * A conversation body to send, its strong entity tag (the opaque value, computed from the bytes),
 * and its age when it is a stale copy rather than a fresh answer.
 */
public record LookupResult(byte[] json, String etag, Optional<Duration> staleAge) {

    static LookupResult fresh(byte[] json) {
        return new LookupResult(json, EntityTags.of(json), Optional.empty());
    }

    static LookupResult stale(StaleCopy copy) {
        return new LookupResult(copy.json(), copy.etag(), Optional.of(copy.age()));
    }
}

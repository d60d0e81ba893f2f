package io.omnivibe.lookup;

import java.time.Duration;
import java.util.Optional;

/** A conversation body to send, and its age when it is a stale copy rather than a fresh answer. */
public record LookupResult(byte[] json, Optional<Duration> staleAge) {

    static LookupResult fresh(byte[] json) {
        return new LookupResult(json, Optional.empty());
    }

    static LookupResult stale(StaleCopy copy) {
        return new LookupResult(copy.json(), Optional.of(copy.age()));
    }
}

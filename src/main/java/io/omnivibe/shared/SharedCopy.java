package io.omnivibe.shared;

import java.time.Duration;

import io.omnivibe.upstream.DocumentIds;

/**
 * A good body of a conversation that an instance of the fleet fetched, its entity tag, its ids, and
 * how long ago; or, when {@code absent}, the upstream's 404 for it that long ago (no body).
 */
public record SharedCopy(byte[] json, String etag, DocumentIds ids, Duration age, boolean absent) {

    static SharedCopy absence(Duration age) {
        return new SharedCopy(new byte[0], "", DocumentIds.NONE, age, true);
    }
}

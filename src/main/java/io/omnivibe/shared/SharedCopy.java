package io.omnivibe.shared;

import java.time.Duration;

/** A good body of a conversation that an instance of the fleet fetched, its entity tag, and how long ago. */
public record SharedCopy(byte[] json, String etag, Duration age) {
}

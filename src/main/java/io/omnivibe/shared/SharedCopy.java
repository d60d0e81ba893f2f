package io.omnivibe.shared;

import java.time.Duration;

import io.omnivibe.upstream.DocumentIds;

/** A good body of a conversation that an instance of the fleet fetched, its entity tag, its ids, and how long ago. */
public record SharedCopy(byte[] json, String etag, DocumentIds ids, Duration age) {
}

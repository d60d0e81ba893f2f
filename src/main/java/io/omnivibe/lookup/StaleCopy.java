package io.omnivibe.lookup;

import java.time.Duration;

/** The last good body of a conversation, its entity tag, and how old it is. */
record StaleCopy(byte[] json, String etag, Duration age) {
}

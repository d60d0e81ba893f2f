package io.omnivibe.lookup;

import java.time.Duration;

/** The last good body of a conversation, and how old it is. */
record StaleCopy(byte[] json, Duration age) {
}

package io.omnivibe.lookup;

import java.time.Duration;

import io.omnivibe.upstream.DocumentIds;

/** The last good body of a conversation, its entity tag, the ids webhooks name it by, and how old it is. */
record StaleCopy(byte[] json, String etag, DocumentIds ids, Duration age) {
}

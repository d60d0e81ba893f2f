package io.omnivibe.upstream;

import io.omnivibe.upstream.model.Conversation;

/**
 * A conversation body as the upstream sent it, with its typed view. {@code json} is what callers
 * get: the exact bytes, so unknown keys, explicit nulls and number forms all survive.
 */
public record ConversationDocument(byte[] json, Conversation conversation) {
}

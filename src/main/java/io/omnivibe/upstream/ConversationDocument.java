package io.omnivibe.upstream;

/**
 * A conversation body as the upstream sent it, checked to be one complete JSON object. {@code json}
 * is what callers get: the exact bytes, so unknown keys, explicit nulls, number forms and values of
 * unexpected types all survive. The typed model ({@code upstream.model}) documents the API; no
 * lookup depends on it. {@code unchanged}: the upstream sent the last good body again (its ids are
 * then the last good copy's, not read again: {@link DocumentIds#NONE}).
 */
public record ConversationDocument(byte[] json, boolean unchanged, DocumentIds ids) {
}

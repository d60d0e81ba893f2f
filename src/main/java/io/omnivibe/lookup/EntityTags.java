package io.omnivibe.lookup;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * Strong entity tags computed from a document's bytes: equal bytes, equal tag, whoever fetched
 * them and whenever. 128 bits of SHA-256 make a collision between two versions of a conversation
 * practically impossible.
 */
final class EntityTags {

    private static final int TAG_BYTES = 16;

    private EntityTags() {
    }

    /** The tag's opaque value, without the quotes of its header form. */
    static String of(byte[] document) {
        byte[] hash = sha256().digest(document);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(hash, TAG_BYTES));
    }

    /** A digest per call: digests are not thread-safe, and none is kept in a native image's heap. */
    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}

package io.omnivibe.lookup;

import java.util.Base64;

import com.dynatrace.hash4j.hashing.Hasher128;
import com.dynatrace.hash4j.hashing.Hashing;

/**
 * Strong entity tags computed from a document's bytes: equal bytes, equal tag, whichever instance
 * fetched them and whenever, so that a caller's {@code If-None-Match} holds across instances and
 * restarts. A tag only has to tell two versions of one conversation apart, versions whose bytes
 * the upstream writes (its ids and times among them); 128 bits of XXH3 do that as well as a
 * cryptographic digest, at a tenth of its cost (the tag is computed for every changed document).
 */
final class EntityTags {

    /** Fixed, so that every instance and every release gives a document the same tag. */
    private static final Hasher128 XXH3 = Hashing.xxh3_128(0x6f6d6e6976696265L);
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private EntityTags() {
    }

    /** The tag's opaque value, without the quotes of its header form. */
    static String of(byte[] document) {
        return BASE64URL.encodeToString(XXH3.hashBytesTo128Bits(document).toByteArray());
    }
}

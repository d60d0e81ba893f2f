package io.omnivibe.shared;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import io.omnivibe.upstream.ConversationKey;

/**
 * What keeps Redis unreadable: a key names a conversation by a keyed hash of its identifiers, and
 * a value is sealed with AES-GCM, bound to its key (a value moved to another key does not open).
 * Both keys are derived from the shared secret, so every instance with the same secret reads what
 * the others wrote, and a dump of Redis shows neither who asked nor what was said.
 */
final class Sealing {

    static final int MIN_SECRET_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    /** A conversation's name: 128 bits of its keyed hash, as many as an entity tag needs to never collide by chance. */
    private static final int NAME_BYTES = 16;
    private static final String HMAC = "HmacSHA256";

    private final SecretKeySpec sealingKey;
    private final SecretKeySpec namingKey;
    private final SecureRandom random = new SecureRandom();

    private Sealing(byte[] secret) {
        byte[] root = hmac(new SecretKeySpec("omnivibe-lookup shared store".getBytes(StandardCharsets.UTF_8), HMAC), secret);
        SecretKeySpec rootKey = new SecretKeySpec(root, HMAC);
        this.sealingKey = new SecretKeySpec(hmac(rootKey, "sealing copies".getBytes(StandardCharsets.UTF_8)), "AES");
        this.namingKey = new SecretKeySpec(hmac(rootKey, "naming conversations".getBytes(StandardCharsets.UTF_8)), HMAC);
    }

    /** @throws IllegalArgumentException when the secret is not base64 or shorter than 32 bytes */
    static Sealing fromSecret(String base64Secret) {
        byte[] secret = Base64.getDecoder().decode(base64Secret.trim());
        if (secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException(secret.length + " bytes");
        }
        return new Sealing(secret);
    }

    /** The part of a Redis key that stands for the conversation. Identifiers hold no control characters, so '\n' separates them unambiguously. */
    String name(ConversationKey key) {
        return name((key.inboxIdentifier() + '\n' + key.contactIdentifier() + '\n' + key.conversationId())
                .getBytes(StandardCharsets.UTF_8));
    }

    /** A name for these bytes that says nothing of them without the secret. */
    String name(byte[] value) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(hmac(namingKey, value), NAME_BYTES));
    }

    byte[] seal(byte[] plaintext, byte[] boundTo) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, sealingKey, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(boundTo);
            ByteBuffer sealed = ByteBuffer.allocate(NONCE_BYTES + cipher.getOutputSize(plaintext.length));
            sealed.put(nonce);
            cipher.doFinal(ByteBuffer.wrap(plaintext), sealed);
            return sealed.array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** The plaintext, or empty when the value was not sealed by this secret for this key (tampered, or another secret). */
    Optional<byte[]> open(byte[] sealed, byte[] boundTo) {
        if (sealed.length < NONCE_BYTES + TAG_BITS / 8) {
            return Optional.empty();
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, sealingKey, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
            cipher.updateAAD(boundTo);
            return Optional.of(cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES));
        } catch (AEADBadTagException notOurs) {
            return Optional.empty();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    private static byte[] hmac(SecretKeySpec key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(key);
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }
}

package io.omnivibe.lookup;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Turns a secret identifier into a short fingerprint for logs: the same identifier gives the same
 * fingerprint within one process, so an operator can follow one caller, but the key is random per
 * process, so a fingerprint cannot be matched against guessed identifiers offline.
 */
final class Redaction {

    private static final byte[] KEY = new SecureRandom().generateSeed(32);

    private Redaction() {
    }

    static String fingerprint(String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
            byte[] digest = mac.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            return "#" + HexFormat.of().formatHex(digest, 0, 4);
        } catch (GeneralSecurityException unavailable) {
            return "#redacted";
        }
    }
}

package io.omnivibe.upstream;

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

    private static final SecretKeySpec KEY = new SecretKeySpec(randomKey(), "HmacSHA256");
    /** Every lookup logs its key, so each thread keeps its initialised Mac rather than making one per line. */
    private static final ThreadLocal<Mac> MACS = ThreadLocal.withInitial(Redaction::newMac);
    /**
     * The last fingerprint computed in each of these slots, found by the identifier's hash: polling
     * callers log the same identifiers over and over, and a lookup here costs far less than a MAC.
     * At most this many identifiers of at most 255 characters: about 1.5 MB.
     */
    private static final int REMEMBERED = 4096;
    private static final Fingerprint[] RECENT = new Fingerprint[REMEMBERED];

    private record Fingerprint(String secret, String fingerprint) {
    }

    private Redaction() {
    }

    static String fingerprint(String secret) {
        int slot = secret.hashCode() & (REMEMBERED - 1);
        // Records are immutable: a slot read while another thread replaces it is either one.
        Fingerprint remembered = RECENT[slot];
        if (remembered != null && remembered.secret().equals(secret)) {
            return remembered.fingerprint();
        }
        String computed = compute(secret);
        RECENT[slot] = new Fingerprint(secret, computed);
        return computed;
    }

    private static String compute(String secret) {
        Mac mac = MACS.get();
        if (mac == null) {
            return "#redacted";
        }
        byte[] digest = mac.doFinal(secret.getBytes(StandardCharsets.UTF_8));
        return "#" + HexFormat.of().formatHex(digest, 0, 4);
    }

    private static byte[] randomKey() {
        // nextBytes, not generateSeed: a seed may block start-up waiting for entropy.
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    private static Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(KEY);
            return mac;
        } catch (GeneralSecurityException unavailable) {
            return null;
        }
    }
}

package io.omnivibe.changes;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * What proves a delivery is Chatwoot's. Signed ({@code lookup.webhooks.signed}): it carries
 * {@code X-Chatwoot-Signature: sha256=<hex>}, the HMAC-SHA256 under the webhook's secret of
 * {@code "<X-Chatwoot-Timestamp>.<body>"}, and the timestamp is within the replay window of now.
 * Otherwise the webhook's URL ends with the secret. Both are compared in constant time.
 */
final class DeliveryProof {

    /** Chatwoot's secrets are 24 characters; shorter ones are not its own. */
    static final int MIN_SIGNING_SECRET_LENGTH = 16;
    /** A secret in a URL is all there is to prove a delivery: as strong as 32 random characters at least. */
    static final int MIN_URL_SECRET_LENGTH = 32;
    private static final int MAX_DELIVERY_ID_LENGTH = 128;
    private static final String SIGNATURE_PREFIX = "sha256=";

    private final boolean signed;
    private final byte[] secret;
    private final byte[] secretDigest;
    private final Duration replayWindow;

    /** @throws ConfigurationException when the secret is blank, has spaces around it or is too short to trust */
    DeliveryProof(String secret, boolean signed, Duration replayWindow) {
        this.signed = signed;
        this.secret = checkedLength(checkedSecret(secret), signed).getBytes(StandardCharsets.UTF_8);
        this.secretDigest = sha256(this.secret);
        this.replayWindow = replayWindow;
    }

    private static String checkedSecret(String value) {
        if (value.isBlank() || !value.equals(value.strip())) {
            throw new ConfigurationException("lookup.webhooks.secret (LOOKUP_WEBHOOKS_SECRET) is blank or has spaces around it;"
                    + " set it to the webhook's secret exactly as Chatwoot shows it");
        }
        return value;
    }

    private static String checkedLength(String value, boolean signed) {
        int least = signed ? MIN_SIGNING_SECRET_LENGTH : MIN_URL_SECRET_LENGTH;
        if (value.length() < least) {
            throw new ConfigurationException("lookup.webhooks.secret (LOOKUP_WEBHOOKS_SECRET) has " + value.length()
                    + " characters; at least " + least + (signed ? " (Chatwoot's webhook secrets have 24)"
                            : " random ones, as it is all a delivery shows in the URL (e.g. openssl rand -hex 24)"));
        }
        return value;
    }

    boolean signed() {
        return signed;
    }

    /**
     * Proves the delivery, or throws.
     *
     * @return what names this delivery for telling a replay: its signature (a replay must carry
     *         the same timestamp and body), or unsigned, its {@code X-Chatwoot-Delivery} when it has one
     * @throws UnauthorizedDeliveryException when it does not prove it comes from Chatwoot
     */
    Optional<String> prove(ChatwootWebhooks.Delivery delivery) {
        if (signed) {
            return Optional.of(checkSignature(delivery));
        }
        if (!urlSecretMatches(delivery.urlSecret())) {
            throw new UnauthorizedDeliveryException("The webhook's URL does not end with the secret.");
        }
        return Optional.ofNullable(delivery.deliveryId())
                .filter(id -> !id.isBlank() && id.length() <= MAX_DELIVERY_ID_LENGTH)
                .map(id -> "delivery:" + id);
    }

    /** Whether {@code candidate} is the URL secret; digests have one length whatever was sent, so any guess takes the same time. */
    boolean urlSecretMatches(String candidate) {
        return !signed && candidate != null
                && MessageDigest.isEqual(secretDigest, sha256(candidate.getBytes(StandardCharsets.UTF_8)));
    }

    private String checkSignature(ChatwootWebhooks.Delivery delivery) {
        if (delivery.signature() == null || delivery.timestamp() == null) {
            throw new UnauthorizedDeliveryException("The delivery is not signed (X-Chatwoot-Signature and X-Chatwoot-Timestamp).");
        }
        long timestamp;
        try {
            timestamp = Long.parseLong(delivery.timestamp().trim());
        } catch (NumberFormatException notSeconds) {
            throw new UnauthorizedDeliveryException("X-Chatwoot-Timestamp is not a Unix time in seconds.");
        }
        long nowSeconds = System.currentTimeMillis() / 1000;
        // Compared without subtracting from the timestamp: a value near Long's ends would overflow.
        if (timestamp < nowSeconds - replayWindow.toSeconds() || timestamp > nowSeconds + replayWindow.toSeconds()) {
            throw new UnauthorizedDeliveryException("X-Chatwoot-Timestamp is more than " + replayWindow.toSeconds()
                    + " s from now (a replay, or a clock that is off).");
        }
        String header = delivery.signature().trim();
        byte[] given;
        try {
            if (!header.regionMatches(true, 0, SIGNATURE_PREFIX, 0, SIGNATURE_PREFIX.length())) {
                throw new IllegalArgumentException("no prefix");
            }
            given = HexFormat.of().parseHex(header.substring(SIGNATURE_PREFIX.length()));
        } catch (IllegalArgumentException notHex) {
            throw new UnauthorizedDeliveryException("X-Chatwoot-Signature is not sha256= and a hex digest.");
        }
        byte[] expected = hmac(delivery.timestamp().trim().getBytes(StandardCharsets.US_ASCII), delivery.body());
        if (!MessageDigest.isEqual(expected, given)) {
            throw new UnauthorizedDeliveryException("X-Chatwoot-Signature does not match the body and timestamp under the secret.");
        }
        return "signature:" + HexFormat.of().formatHex(given);
    }

    private byte[] hmac(byte[] timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(timestamp);
            mac.update((byte) '.');
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    private static byte[] sha256(byte[] value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}

package io.omnivibe.testing;

import static io.restassured.RestAssured.given;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.restassured.specification.RequestSpecification;

/**
 * Webhook deliveries signed as Chatwoot signs them ({@code lib/webhooks/trigger.rb}): the
 * timestamp in Unix seconds, and {@code sha256=} then the hex HMAC-SHA256 under the webhook's
 * secret of {@code "<timestamp>.<body>"}, each delivery with its own id.
 */
public final class ChatwootDeliveries {

    public static final String PATH = "/webhooks/chatwoot";

    private ChatwootDeliveries() {
    }

    /** A delivery of {@code body} signed now with {@code secret}. */
    public static RequestSpecification signed(String secret, String body) {
        return signedAt(secret, System.currentTimeMillis() / 1000, body);
    }

    public static RequestSpecification signedAt(String secret, long timestampSeconds, String body) {
        return given().contentType("application/json")
                .header("X-Chatwoot-Signature", signature(secret, Long.toString(timestampSeconds), body))
                .header("X-Chatwoot-Timestamp", Long.toString(timestampSeconds))
                .header("X-Chatwoot-Delivery", UUID.randomUUID().toString())
                .body(body.getBytes(StandardCharsets.UTF_8));
    }

    public static String signature(String secret, String timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}

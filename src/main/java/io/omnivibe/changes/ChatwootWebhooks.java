package io.omnivibe.changes;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.omnivibe.config.LookupPolicy;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * Receives Chatwoot's webhook deliveries: proves each comes from Chatwoot, refuses it when seen
 * before, and marks the copies its event makes stale. A signed delivery
 * ({@code lookup.webhooks.signed}) carries {@code X-Chatwoot-Signature: sha256=<hex>}, the
 * HMAC-SHA256 under the webhook's secret of {@code "<X-Chatwoot-Timestamp>.<body>"}; the
 * timestamp must be within the replay window of now. Otherwise the webhook's URL ends with the
 * secret. Both are compared in constant time. A delivery's signature (or, unsigned, its
 * {@code X-Chatwoot-Delivery}) is remembered for twice the replay window, the span of timestamps
 * it accepts: one seen again is answered as done and changes nothing.
 * <p>
 * Caffeine loads the cache's generated class by reflection (see {@code StaleStore}); the name here
 * is the one {@code ChangeMarksShapeTest} checks.
 */
@ApplicationScoped
// Built while the service starts: a secret too short to trust stops start-up, not a delivery.
@Startup
@RegisterForReflection(classNames = { "com.github.benmanes.caffeine.cache.SSMSW", "com.github.benmanes.caffeine.cache.PSWMS" })
public class ChatwootWebhooks {

    /** What a delivery led to, as counted ({@code omnivibe_webhooks_deliveries_total{result}}). */
    public enum Outcome {
        /** Its copies are stale now, on every instance. */
        APPLIED,
        /** Its event changes no document, or is not one this service knows. */
        IGNORED,
        /** Its event changes documents, but names none by an id this service can use. */
        UNMAPPED,
        /** Received before: nothing more changes. */
        DUPLICATE
    }

    /** Why a delivery was not read: each is counted, and may have been a change. */
    public enum Unread {
        BUSY, INCOMPLETE
    }

    /** What a delivery brings: its raw body, its headers (null when absent), and the URL's secret (null when absent). */
    public record Delivery(byte[] body, String signature, String timestamp, String deliveryId, String urlSecret) {
    }

    /** Chatwoot's secrets are 24 characters; shorter ones are not its own. */
    static final int MIN_SIGNING_SECRET_LENGTH = 16;
    /** A secret in a URL is all there is to prove a delivery: as strong as 32 random characters at least. */
    static final int MIN_URL_SECRET_LENGTH = 32;
    private static final int MAX_DELIVERY_ID_LENGTH = 128;
    private static final String SIGNATURE_PREFIX = "sha256=";
    private static final Duration WARNING_INTERVAL = Duration.ofMinutes(1);
    private static final Logger LOG = Logger.getLogger(ChatwootWebhooks.class);

    private final ChangeFeed feed;
    private final ObjectMapper mapper;
    private final boolean signed;
    private final byte[] secret;
    private final byte[] secretDigest;
    private final Duration replayWindow;
    private final Cache<String, Boolean> seen;
    private final Map<String, Counter> deliveries;
    private final AtomicLong nextWarningNanos = new AtomicLong(System.nanoTime());

    ChatwootWebhooks(LookupPolicy policy, ChangeFeed feed, ObjectMapper mapper, MeterRegistry registry) {
        this.feed = feed;
        this.mapper = mapper;
        LookupPolicy.Webhooks webhooks = policy.webhooks();
        this.signed = webhooks.signed();
        this.secret = webhooks.secret().map(ChatwootWebhooks::checkedSecret).map(value -> checkedLength(value, signed))
                .map(value -> value.getBytes(StandardCharsets.UTF_8)).orElse(null);
        this.secretDigest = secret == null ? null : sha256(secret);
        this.replayWindow = Duration.ofMillis(webhooks.replayWindowMs());
        this.seen = seenDeliveries(replayWindow);
        String description = "Webhook deliveries by result: applied (copies made stale), ignored (an event that changes no"
                + " document), unmapped (no id to map), duplicate, unauthorized (signature, timestamp or URL secret wrong),"
                + " malformed (signed, but not an event), busy (too many at once), incomplete (the body stopped arriving)."
                + " Every refused one makes copies fetched before it fall back to the short window";
        this.deliveries = Map.of(
                "applied", counter(registry, "applied", description),
                "ignored", counter(registry, "ignored", description),
                "unmapped", counter(registry, "unmapped", description),
                "duplicate", counter(registry, "duplicate", description),
                "unauthorized", counter(registry, "unauthorized", description),
                "malformed", counter(registry, "malformed", description),
                "busy", counter(registry, "busy", description),
                "incomplete", counter(registry, "incomplete", description));
    }

    /** Deliveries seen within the span of timestamps a replay window accepts, 100 000 at most (about 15 MB). */
    static Cache<String, Boolean> seenDeliveries(Duration replayWindow) {
        return Caffeine.newBuilder()
                .executor(Runnable::run)
                .maximumSize(100_000)
                .expireAfterWrite(replayWindow.multipliedBy(2))
                .build();
    }

    private static Counter counter(MeterRegistry registry, String result, String description) {
        return Counter.builder("omnivibe.webhooks.deliveries").tag("result", result).description(description).register(registry);
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

    /** Whether the endpoint exists: a secret is set. */
    public boolean enabled() {
        return secret != null;
    }

    /** Whether deliveries are signed; false: the URL ends with the secret. */
    public boolean signed() {
        return signed;
    }

    /**
     * Proves, deduplicates and applies one delivery.
     *
     * @throws UnauthorizedDeliveryException when it does not prove it comes from Chatwoot
     * @throws MalformedDeliveryException when it does, but its body is not an event
     */
    public Outcome receive(Delivery delivery) {
        Optional<String> once;
        try {
            once = signed ? Optional.of(checkSignature(delivery)) : checkUrlSecret(delivery);
        } catch (UnauthorizedDeliveryException refused) {
            deliveries.get("unauthorized").increment();
            warnNowAndThen(refused.getMessage());
            // Forged, or Chatwoot's own with a secret that no longer matches: a change may be lost.
            feed.missed();
            throw refused;
        }
        if (once.isPresent() && seen.asMap().putIfAbsent(once.get(), Boolean.TRUE) != null) {
            return counted(Outcome.DUPLICATE);
        }
        ChatwootEvent event;
        try {
            event = ChatwootEvent.read(delivery.body(), mapper);
        } catch (MalformedDeliveryException malformed) {
            deliveries.get("malformed").increment();
            feed.missed();
            throw malformed;
        }
        return counted(switch (event.kind()) {
            case CHANGE -> {
                feed.changed(event.marks(), once.orElseGet(() -> UUID.randomUUID().toString()), replayWindow.multipliedBy(2));
                yield Outcome.APPLIED;
            }
            case UNMAPPED -> {
                LOG.debugf("Webhook %s names no conversation, contact identifier or contact this service can use", event.name());
                yield Outcome.UNMAPPED;
            }
            case NO_CHANGE, UNKNOWN -> Outcome.IGNORED;
        });
    }

    /** A delivery that could not be read: a change it carried is lost, so copies fetched before now are not vouched for. */
    public void notRead(Unread why) {
        if (enabled()) {
            deliveries.get(why.name().toLowerCase(Locale.ROOT)).increment();
            feed.missed();
        }
    }

    private Outcome counted(Outcome outcome) {
        deliveries.get(outcome.name().toLowerCase(Locale.ROOT)).increment();
        return outcome;
    }

    /** @return the signature, which names this delivery: a replay must carry the same timestamp and body */
    private String checkSignature(Delivery delivery) {
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

    /** @return the delivery's id when it has one, which names it */
    private Optional<String> checkUrlSecret(Delivery delivery) {
        // Digests have one length whatever was sent: the comparison takes the same time for any guess.
        if (delivery.urlSecret() == null
                || !MessageDigest.isEqual(secretDigest, sha256(delivery.urlSecret().getBytes(StandardCharsets.UTF_8)))) {
            throw new UnauthorizedDeliveryException("The webhook's URL does not end with the secret.");
        }
        return Optional.ofNullable(delivery.deliveryId())
                .filter(id -> !id.isBlank() && id.length() <= MAX_DELIVERY_ID_LENGTH)
                .map(id -> "delivery:" + id);
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

    /** Refusals are counted each; a line in the log at most once a minute says the secret may be wrong. */
    private void warnNowAndThen(String why) {
        long now = System.nanoTime();
        long next = nextWarningNanos.get();
        if (now - next >= 0 && nextWarningNanos.compareAndSet(next, now + WARNING_INTERVAL.toNanos())) {
            LOG.warnf("Webhook delivery refused (401): %s Check that lookup.webhooks.secret is the webhook's secret in Chatwoot"
                    + " (refusals are counted in omnivibe_webhooks_deliveries_total{result=\"unauthorized\"})", why);
        }
    }
}

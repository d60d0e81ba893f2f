package io.omnivibe.changes;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.omnivibe.config.AddressRanges;
import io.omnivibe.config.LookupPolicy;
import io.quarkus.runtime.Startup;

/**
 * Receives Chatwoot's webhook deliveries: proves each comes from Chatwoot ({@link DeliveryProof}),
 * refuses it when seen before ({@link SeenDeliveries}), and marks the copies its event makes stale.
 * <p>
 * Only what Chatwoot may have sent can shorten a copy's window. A delivery that proves nothing (a
 * stranger's, or Chatwoot's under a secret that no longer matches, which the refusals' count and
 * alert are for) changes nothing. One that could not be read (too many at once, cut off) makes the
 * copies fetched before it fall back to the short window only when its sender was known before
 * its body: an allowed source ({@code lookup.webhooks.allowed-sources}), or the URL ending with
 * the secret. Those two are also checked before the body is read, so that a stranger cannot take
 * the places Chatwoot's deliveries need.
 */
@ApplicationScoped
// Built while the service starts: a secret too short to trust, or a source that is not an address, stops start-up.
@Startup
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

    /** What is known of a request's sender before its body is read. */
    public enum Sender {
        /** An allowed source, or the URL ending with the secret: a delivery of its that goes unread may have been a change. */
        KNOWN,
        /** Anyone: only the body can prove it. */
        UNKNOWN,
        /** Not an allowed source: refused before its body is read. */
        FORBIDDEN,
        /** A webhook URL that does not end with the secret: refused before its body is read. */
        WRONG_URL_SECRET
    }

    /** Why a delivery was not read: each is counted. */
    public enum Unread {
        BUSY, INCOMPLETE
    }

    /** What a delivery brings: its raw body, its headers (null when absent), and the URL's secret (null when absent). */
    public record Delivery(byte[] body, String signature, String timestamp, String deliveryId, String urlSecret) {
    }

    private enum Result {
        APPLIED, IGNORED, UNMAPPED, DUPLICATE, UNAUTHORIZED, FORBIDDEN, MALFORMED, BUSY, INCOMPLETE
    }

    /** Where a delivery with the secret in its URL is posted: the secret is the one segment after it. */
    private static final String URL_SECRET_PREFIX = "/webhooks/chatwoot/";
    private static final Duration WARNING_INTERVAL = Duration.ofMinutes(1);
    private static final Logger LOG = Logger.getLogger(ChatwootWebhooks.class);

    private final ChangeFeed feed;
    private final ObjectMapper mapper;
    private final DeliveryProof proof;
    private final AddressRanges sources;
    private final Duration replayWindow;
    private final SeenDeliveries seen;
    private final Map<Result, Counter> deliveries = new EnumMap<>(Result.class);
    private final AtMostEvery unauthorizedWarning = new AtMostEvery(WARNING_INTERVAL);
    private final AtMostEvery forbiddenWarning = new AtMostEvery(WARNING_INTERVAL);

    ChatwootWebhooks(LookupPolicy policy, ChangeFeed feed, ObjectMapper mapper, MeterRegistry registry) {
        this.feed = feed;
        this.mapper = mapper;
        LookupPolicy.Webhooks webhooks = policy.webhooks();
        this.replayWindow = Duration.ofMillis(webhooks.replayWindowMs());
        this.proof = webhooks.secret().map(secret -> new DeliveryProof(secret, webhooks.signed(), replayWindow)).orElse(null);
        this.sources = new AddressRanges("lookup.webhooks.allowed-sources", webhooks.allowedSources());
        this.seen = new SeenDeliveries(replayWindow);
        String description = "Webhook deliveries by result: applied (copies made stale), ignored (an event that changes no"
                + " document), unmapped (no id to map), duplicate, unauthorized (signature, timestamp or URL secret wrong),"
                + " forbidden (not from lookup.webhooks.allowed-sources), malformed (proven, but not an event), busy (too many"
                + " at once), incomplete (the body stopped arriving). Malformed ones, and busy or incomplete ones from a known"
                + " sender, make copies fetched before them fall back to the short window";
        for (Result result : Result.values()) {
            deliveries.put(result, Counter.builder("omnivibe.webhooks.deliveries").tag("result", result.name().toLowerCase(Locale.ROOT))
                    .description(description).register(registry));
        }
    }

    /** Whether the endpoint exists: a secret is set. */
    public boolean enabled() {
        return proof != null;
    }

    /** Whether deliveries are signed; false: the URL carries the secret. */
    public boolean signed() {
        return proof != null && proof.signed();
    }

    /**
     * What can be told of a request with a body before reading it: {@code peer} is the address it
     * comes from, {@code path} its path as sent. Refusals are counted here.
     */
    public Sender screen(String peer, String path) {
        if (!enabled()) {
            return Sender.UNKNOWN;
        }
        if (!sources.isEmpty() && !sources.contains(peer)) {
            deliveries.get(Result.FORBIDDEN).increment();
            if (forbiddenWarning.now()) {
                LOG.warnf("Webhook delivery refused (403): it does not come from lookup.webhooks.allowed-sources; if Chatwoot's"
                        + " deliveries come from another address, add it (refusals are counted in"
                        + " omnivibe_webhooks_deliveries_total{result=\"forbidden\"})");
            }
            return Sender.FORBIDDEN;
        }
        if (!signed() && path.startsWith(URL_SECRET_PREFIX)) {
            String secret = path.substring(URL_SECRET_PREFIX.length());
            // A secret in another form (escaped, a segment more) is left for the endpoint to judge.
            if (secret.indexOf('/') < 0 && secret.indexOf('%') < 0) {
                if (proof.urlSecretMatches(secret)) {
                    return Sender.KNOWN;
                }
                refused(new UnauthorizedDeliveryException("The webhook's URL does not end with the secret."));
                return Sender.WRONG_URL_SECRET;
            }
        }
        return sources.isEmpty() ? Sender.UNKNOWN : Sender.KNOWN;
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
            once = proof.prove(delivery);
        } catch (UnauthorizedDeliveryException unproven) {
            // Proves nothing, so changes nothing: a stranger must not shorten anyone's window.
            refused(unproven);
            throw unproven;
        }
        if (once.isPresent() && !seen.firstTime(once.get())) {
            return counted(Outcome.DUPLICATE);
        }
        ChatwootEvent event;
        try {
            event = ChatwootEvent.read(delivery.body(), mapper);
        } catch (MalformedDeliveryException malformed) {
            // Chatwoot's, and unreadable: whatever change it carried is lost.
            deliveries.get(Result.MALFORMED).increment();
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

    /**
     * A delivery that could not be read. From a known sender it may have carried a change, so
     * copies fetched before now are no longer vouched for; from anyone else it is only counted.
     */
    public void notRead(Unread why, Sender sender) {
        if (enabled()) {
            deliveries.get(why == Unread.BUSY ? Result.BUSY : Result.INCOMPLETE).increment();
            if (sender == Sender.KNOWN) {
                feed.missed();
            }
        }
    }

    private Outcome counted(Outcome outcome) {
        deliveries.get(Result.valueOf(outcome.name())).increment();
        return outcome;
    }

    /** Refusals are counted each; a line in the log at most once a minute says the secret may be wrong. */
    private void refused(UnauthorizedDeliveryException why) {
        deliveries.get(Result.UNAUTHORIZED).increment();
        if (unauthorizedWarning.now()) {
            LOG.warnf("Webhook delivery refused (401): %s Check that lookup.webhooks.secret is the webhook's secret in Chatwoot"
                    + " (refusals are counted in omnivibe_webhooks_deliveries_total{result=\"unauthorized\"})", why.getMessage());
        }
    }
}

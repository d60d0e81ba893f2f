package io.omnivibe.config;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import io.smallrye.config.ConfigMapping;

/**
 * The lookup policies, read from configuration (group "Lookup policies" of application.properties
 * holds every default) by the lookup service, the stale store and the upstream guard.
 */
@ConfigMapping(prefix = "lookup")
public interface LookupPolicy {

    /** Total time for one lookup, retries and waits included. */
    long budgetMs();

    /** Time for one upstream attempt. */
    long attemptTimeoutMs();

    /**
     * Time an attempt needs left in the budget to be worth making after a wait (a retry's, or
     * Redis's): a tenth of the attempt timeout, or of the budget when that is shorter. Less would
     * spend an upstream call on a timeout.
     */
    default long shortestAttemptMs() {
        return Math.max(1, Math.min(attemptTimeoutMs(), budgetMs()) / 10);
    }

    /**
     * Time a retry's wait must leave in the budget: the attempt's shortest useful time, and with a
     * shared Redis and a cap, the round trip for the fleet cap's permit.
     */
    default long timeAnAttemptNeedsMs(boolean redisNamed) {
        return shortestAttemptMs() + (redisNamed && upstream().maxCallsPerMinute() > 0 ? shared().timeoutMs() : 0);
    }

    /**
     * A copy fetched less than this ago (by any instance sharing a Redis) is answered without an
     * upstream call, unless Chatwoot said since that it changed ({@link Webhooks}). 0: every lookup
     * reads the upstream. Above {@link #UNCONFIRMED_FRESH_FOR_MS} only with webhooks.
     */
    long freshForMs();

    /** The longest freshness window without webhooks: past it, a copy nobody can say is current is too old. */
    long UNCONFIRMED_FRESH_FOR_MS = 600_000;

    /**
     * How long the upstream's 404 for a conversation is answered without asking again: the
     * freshness window, and at least {@link NotFound#freshForMs()}.
     */
    default long absentForMs() {
        return Math.max(freshForMs(), notFound().freshForMs());
    }

    NotFound notFound();

    Upstream upstream();

    Callers callers();

    Retry retry();

    CircuitBreaker circuitBreaker();

    Bulkhead bulkhead();

    Stale stale();

    Shared shared();

    Webhooks webhooks();

    /** The upstream's 404 (Chatwoot's own, in JSON), remembered as a copy is. */
    interface NotFound {
        /**
         * A 404 read less than this ago (or {@link LookupPolicy#freshForMs()}, when longer) is
         * answered again without an upstream call, unless a webhook named its contact identifier
         * since. 0: only the freshness window.
         */
        long freshForMs();
    }

    /**
     * Who a caller is, for sharing the cap on upstream calls fairly between callers: the connection's
     * peer address unless set otherwise.
     */
    interface Callers {
        /**
         * Proxies (addresses, CIDR ranges) trusted to say in {@code X-Forwarded-For} whom they forward
         * for: from one of them, the caller is the right-most address none of them added. Unset: the
         * peer is the caller, whatever the header says.
         */
        Optional<List<String>> trustedProxies();

        /** A request header whose value is the caller (an API key, a tenant); requests without it go by address. */
        Optional<String> header();
    }

    interface Upstream {
        /**
         * Upstream calls per minute at most, retries included, over any 60 seconds. The upstream
         * throttles per client IP, and every caller of this service shares its IP. 0: no cap, for
         * an upstream that does not throttle. The cap keeps the time of each permit (8 bytes each).
         */
        int maxCallsPerMinute();

        /**
         * Bytes one upstream body may have: a longer one is refused as it arrives (by its
         * {@code Content-Length}, else when it passes the bound), its connection closed.
         */
        long maxBodyBytes();

        /** Bytes all bodies being read may hold at once; when unset, a quarter of the maximum heap. */
        OptionalLong maxBytesInFlight();

        /** {@link #maxBytesInFlight()} as it applies (upstream.UpstreamBodies reads the same setting). */
        default long bytesInFlight() {
            return maxBytesInFlight().orElse(Runtime.getRuntime().maxMemory() / 4);
        }
    }

    interface Retry {
        /** Retries after the first attempt, for transient failures only. */
        int maxRetries();

        /** First backoff; each further one doubles, with jitter. */
        long initialDelayMs();
    }

    interface CircuitBreaker {
        /**
         * How many recent lookups the failure ratio is taken over. A lookup counts once, after its
         * retries; a 404 counts as a success, a lookup refused by the bulkhead not at all.
         */
        int window();

        /** Failure ratio over the window that opens the circuit. */
        double failureRatio();

        /** How long the circuit stays open before it lets trial lookups through. */
        long delayMs();

        /** Trial lookups the half-open circuit lets through; all must succeed for it to close. */
        int trialLookups();
    }

    interface Bulkhead {
        /** Upstream calls in flight at most. */
        int maxInFlight();
    }

    interface Stale {
        /** Last good copies kept at most. */
        long maxEntries();

        /** Bytes the copies may take at most; when unset, a quarter of the maximum heap. */
        OptionalLong maxBytes();

        /** {@link #maxBytes()} as it applies (lookup.StaleStore reads the same setting). */
        default long bytes() {
            return maxBytes().orElse(Runtime.getRuntime().maxMemory() / 4);
        }

        /** How long a last good copy may be served after it was fetched. */
        long maxAgeMs();
    }

    /** The store a fleet of instances shares when {@code quarkus.redis.hosts} names a Redis. */
    interface Shared {
        /** Prefix of every key: instances naming the same Redis and namespace share copies and one cap. */
        String namespace();

        /** At least 32 random bytes, base64: keys the names and seals the values kept in Redis. */
        Optional<String> secret();

        /** Time a lookup waits for a copy in Redis; past it the lookup goes on as if in process. */
        long timeoutMs();

        /** Upstream calls per minute this instance allows itself while Redis is unreachable (not while it is slow). */
        int offlineCallsPerMinute();

        /** A document larger than this is served and kept in process, not shared. */
        int maxDocumentBytes();
    }

    /**
     * Chatwoot's webhooks, received at {@code POST /webhooks/chatwoot}: each says which
     * conversations changed, so that their copies are read again at once and a long freshness
     * window stays right.
     */
    interface Webhooks {
        /**
         * The webhook's secret as Chatwoot shows it; unset: no webhook endpoint. With {@link #signed()}
         * false, a random token of at least 32 characters that the webhook's URL ends with.
         */
        Optional<String> secret();

        /** Deliveries are signed (Chatwoot 4.11.2 and later for account webhooks); false: the URL carries the secret. */
        boolean signed();

        /**
         * Addresses and ranges (CIDR) deliveries may come from, Chatwoot's egress; unset: any. A
         * request with a body from elsewhere is refused (403) before it is read.
         */
        Optional<List<String>> allowedSources();

        /** A signed delivery whose timestamp is further than this from now is refused, as one already seen within it is. */
        long replayWindowMs();

        /** A delivery's body may hold this many bytes at most (every request body: no other endpoint takes one). */
        long maxBodyBytes();

        /**
         * The freshness window for copies no webhook can vouch for: while this instance does not hear
         * the fleet's changes (its Redis subscription lost), or a copy fetched before it listened.
         * At most {@link LookupPolicy#freshForMs()}.
         */
        long fallbackFreshForMs();
    }
}

package io.omnivibe.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * The allowed range of every lookup policy; the README's configuration table gives the same. A
 * value outside its range would start a service that fails every lookup, retries forever or runs
 * out of memory; one that does not parse would stop start-up with a message naming neither its
 * environment variable nor what to write instead. Each is described on a line of its own.
 */
final class PolicyRanges {

    /** A setting's range: whole numbers from min to max, or a ratio above 0 and at most 1. */
    private record Range(String property, long min, LongSupplier max, String unit, boolean ratio) {

        static Range whole(String property, long min, long max, String unit) {
            return new Range(property, min, () -> max, unit, false);
        }

        /** A bound read when a value is checked: the maximum heap is the running process's, not the builder's. */
        static Range whole(String property, long min, LongSupplier max, String unit) {
            return new Range(property, min, max, unit, false);
        }

        static Range ratio(String property) {
            return new Range(property, 0, () -> 1, "", true);
        }

        String allowed() {
            return ratio ? "a number more than 0 and at most 1" : "a whole number from " + min + " to " + max.getAsLong() + " " + unit;
        }
    }

    /** The in-process cap keeps the time of each allowed call: 8 bytes each, 800 kB at this bound. */
    static final int MAX_CALLS_PER_MINUTE = 100_000;

    /** A body is read into one array: 1 GiB is far beyond any conversation and within an array's reach. */
    static final long MAX_BODY_BYTES = 1L << 30;

    /** With webhooks a copy stays right however long nobody writes to it; a day bounds what a lost webhook costs. */
    static final long MAX_FRESH_FOR_MS = 86_400_000;

    /** What the heap keeps beside the stale copies and the bodies being read: the lookups' own work, the runtime's. */
    static final int HEAP_MARGIN_SHARE = 4;

    private static final Map<String, Range> RANGES = List.of(
            Range.whole("lookup.budget-ms", 1, 300_000, "milliseconds"),
            Range.whole("lookup.attempt-timeout-ms", 1, 300_000, "milliseconds"),
            Range.whole("lookup.upstream.max-calls-per-minute", 0, MAX_CALLS_PER_MINUTE, "calls (0: no cap)"),
            Range.whole("lookup.upstream.max-body-bytes", 1024, MAX_BODY_BYTES, "bytes"),
            Range.whole("lookup.upstream.max-bytes-in-flight", 1024, () -> Runtime.getRuntime().maxMemory() / 2,
                    "bytes (half the maximum heap, -Xmx)"),
            Range.whole("lookup.retry.max-retries", 0, 10, "retries"),
            Range.whole("lookup.retry.initial-delay-ms", 0, 60_000, "milliseconds"),
            Range.whole("lookup.circuit-breaker.window", 1, 1_000_000, "lookups"),
            Range.ratio("lookup.circuit-breaker.failure-ratio"),
            Range.whole("lookup.circuit-breaker.delay-ms", 0, 3_600_000, "milliseconds"),
            Range.whole("lookup.circuit-breaker.trial-lookups", 1, 1_000, "lookups"),
            Range.whole("lookup.bulkhead.max-in-flight", 1, 10_000, "lookups"),
            Range.whole("lookup.stale.max-entries", 1, 10_000_000, "copies"),
            Range.whole("lookup.stale.max-bytes", 1, () -> Runtime.getRuntime().maxMemory() / 2,
                    "bytes (half the maximum heap, -Xmx)"),
            Range.whole("lookup.stale.max-age-ms", 1, 604_800_000, "milliseconds"),
            Range.whole("lookup.fresh-for-ms", 0, MAX_FRESH_FOR_MS, "milliseconds (0: off; above "
                    + LookupPolicy.UNCONFIRMED_FRESH_FOR_MS + " only with lookup.webhooks.secret)"),
            Range.whole("lookup.not-found.fresh-for-ms", 0, LookupPolicy.UNCONFIRMED_FRESH_FOR_MS, "milliseconds (0: the"
                    + " freshness window alone)"),
            Range.whole("lookup.shared.timeout-ms", 1, 10_000, "milliseconds"),
            Range.whole("lookup.shared.offline-calls-per-minute", 1, MAX_CALLS_PER_MINUTE, "calls"),
            Range.whole("lookup.shared.max-document-bytes", 1, 16_777_216, "bytes"),
            Range.whole("lookup.webhooks.replay-window-ms", 10_000, 3_600_000, "milliseconds"),
            Range.whole("lookup.webhooks.max-body-bytes", 1024, 16_777_216, "bytes"),
            Range.whole("lookup.webhooks.fallback-fresh-for-ms", 0, LookupPolicy.UNCONFIRMED_FRESH_FOR_MS, "milliseconds"))
            .stream().collect(Collectors.toUnmodifiableMap(Range::property, Function.identity()));

    private PolicyRanges() {
    }

    /** What is wrong with {@code value} for {@code property}, on one line; empty when it is in range or not a policy. */
    static Optional<String> violation(String property, String value) {
        Range range = RANGES.get(property);
        if (range == null || value == null || inRange(range, value.trim())) {
            return Optional.empty();
        }
        return Optional.of(property + " (" + environmentVariable(property) + ") is \"" + value + "\"; allowed: " + range.allowed());
    }

    private static boolean inRange(Range range, String value) {
        try {
            if (range.ratio()) {
                double ratio = Double.parseDouble(value);
                return ratio > 0 && ratio <= 1;
            }
            long whole = Long.parseLong(value);
            return whole >= range.min() && whole <= range.max().getAsLong();
        } catch (NumberFormatException notANumber) {
            return false;
        }
    }

    // Settings that are each in range but cannot work together: start-up stops, with a line naming them.

    /**
     * A body at its bound must fit the budget of bodies in flight twice, or it could never be read:
     * a body of undeclared length is read into an array that doubles, and is trimmed at its end,
     * and while the bytes move both arrays are held.
     */
    static Optional<String> bodyBoundViolation(LookupPolicy policy) {
        long inFlight = policy.upstream().bytesInFlight();
        if (2 * policy.upstream().maxBodyBytes() <= inFlight) {
            return Optional.empty();
        }
        return Optional.of("lookup.upstream.max-body-bytes (LOOKUP_UPSTREAM_MAX_BODY_BYTES) is " + policy.upstream().maxBodyBytes()
                + " bytes, more than half of lookup.upstream.max-bytes-in-flight (LOOKUP_UPSTREAM_MAX_BYTES_IN_FLIGHT) " + inFlight
                + " bytes" + (policy.upstream().maxBytesInFlight().isPresent() ? "" : " (a quarter of the maximum heap, -Xmx)")
                + ": a body at the bound, read without a declared length, could never be read; lower the first, or raise the"
                + " second or -Xmx");
    }

    /** The stale copies and the bodies being read must leave the heap a margin for everything else. */
    static Optional<String> heapViolation(LookupPolicy policy, long maxHeap) {
        long stale = policy.stale().bytes();
        long inFlight = policy.upstream().bytesInFlight();
        long allowed = maxHeap - maxHeap / HEAP_MARGIN_SHARE;
        if (stale + inFlight <= allowed) {
            return Optional.empty();
        }
        return Optional.of("lookup.stale.max-bytes (LOOKUP_STALE_MAX_BYTES) " + stale + " bytes and"
                + " lookup.upstream.max-bytes-in-flight (LOOKUP_UPSTREAM_MAX_BYTES_IN_FLIGHT) " + inFlight + " bytes together are more"
                + " than three quarters of the maximum heap (" + maxHeap + " bytes, -Xmx), " + allowed
                + " bytes: lower either, or raise -Xmx");
    }

    /** A window past what any instance could check without webhooks would serve copies nobody knows to be current. */
    static Optional<String> freshnessViolation(LookupPolicy policy) {
        if (policy.freshForMs() <= LookupPolicy.UNCONFIRMED_FRESH_FOR_MS || policy.webhooks().secret().isPresent()) {
            return Optional.empty();
        }
        return Optional.of("lookup.fresh-for-ms (LOOKUP_FRESH_FOR_MS) is " + policy.freshForMs() + " ms, above "
                + LookupPolicy.UNCONFIRMED_FRESH_FOR_MS + " ms, without lookup.webhooks.secret (LOOKUP_WEBHOOKS_SECRET): a window"
                + " that long needs Chatwoot's webhooks to say when a conversation changes (README, \"Keep copies right with"
                + " webhooks\"); set the secret, or lower the window");
    }

    // Settings that are each in range but together cut lookups short, or leave a policy idle:
    // start-up goes on and says so, a line each.

    /** The shutdown's timeout must outlast the lookups in flight. */
    static Optional<String> shutdownWarning(LookupPolicy policy, Duration shutdownTimeout) {
        if (shutdownTimeout.toMillis() > policy.budgetMs()) {
            return Optional.empty();
        }
        return Optional.of("quarkus.shutdown.timeout (QUARKUS_SHUTDOWN_TIMEOUT) is " + shutdownTimeout.toMillis()
                + " ms, not above lookup.budget-ms (LOOKUP_BUDGET_MS) " + policy.budgetMs()
                + " ms: lookups in flight at shutdown may be cut short");
    }

    /**
     * The first backoff is at least half the initial delay; when that leaves the attempt after it
     * less than it needs in the budget (its shortest useful time, and with a Redis and a cap the
     * permit's round trip), only the upstream's {@code Retry-After} can bring a retry.
     */
    static Optional<String> retryWarning(LookupPolicy policy, boolean redisNamed) {
        long shortestFirstWait = policy.retry().initialDelayMs() / 2;
        if (policy.retry().maxRetries() == 0 || shortestFirstWait + policy.timeAnAttemptNeedsMs(redisNamed) < policy.budgetMs()) {
            return Optional.empty();
        }
        return Optional.of("lookup.retry.initial-delay-ms (LOOKUP_RETRY_INITIAL_DELAY_MS) is " + policy.retry().initialDelayMs()
                + " ms: a first backoff of at least " + shortestFirstWait + " ms leaves no time for another attempt within"
                + " lookup.budget-ms (LOOKUP_BUDGET_MS) " + policy.budgetMs()
                + " ms, so failures are retried only when the upstream asks for a shorter wait (Retry-After)");
    }

    /**
     * With a Redis named and the freshness window on, a lookup waits up to the shared timeout for
     * the fleet's recent copy before its first upstream call. When that wait leaves the call less
     * than its shortest useful time, a Redis that stops answering times out the lookups under way
     * (later ones skip it: it is then unreachable, tried once a second). The cap's permit needs no
     * such check: it is waited for only as long as it leaves the call that time.
     */
    static Optional<String> sharedTimeoutWarning(LookupPolicy policy) {
        if (policy.freshForMs() == 0 || policy.shared().timeoutMs() + policy.shortestAttemptMs() < policy.budgetMs()) {
            return Optional.empty();
        }
        return Optional.of("lookup.shared.timeout-ms (LOOKUP_SHARED_TIMEOUT_MS) is " + policy.shared().timeoutMs() + " ms, and a"
                + " lookup with lookup.fresh-for-ms on waits that long for Redis before its first upstream call, leaving the call"
                + " less than " + policy.shortestAttemptMs() + " ms of lookup.budget-ms (LOOKUP_BUDGET_MS) " + policy.budgetMs()
                + " ms, so lookups under way when Redis stops answering will time out");
    }

    /** Copies are kept for at most the stale copies' maximum age: a longer window would be cut short by it. */
    static Optional<String> freshnessWarning(LookupPolicy policy) {
        if (policy.freshForMs() <= policy.stale().maxAgeMs()) {
            return Optional.empty();
        }
        return Optional.of("lookup.fresh-for-ms (LOOKUP_FRESH_FOR_MS) is " + policy.freshForMs() + " ms, above"
                + " lookup.stale.max-age-ms (LOOKUP_STALE_MAX_AGE_MS) " + policy.stale().maxAgeMs() + " ms: copies are"
                + " dropped at that age, so the window ends there; raise lookup.stale.max-age-ms to at least the window");
    }

    /** {@code lookup.budget-ms} → {@code LOOKUP_BUDGET_MS}, as MicroProfile Config maps environment variables. */
    static String environmentVariable(String property) {
        return property.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }
}

package io.omnivibe.config;

import java.util.OptionalLong;

import io.smallrye.config.ConfigMapping;

/**
 * The lookup policies, read from configuration (group "Lookup policies" of application.properties
 * holds every default). The fault-tolerance annotations read the same properties.
 */
@ConfigMapping(prefix = "lookup")
public interface LookupPolicy {

    /** Total time for one lookup, retries and waits included. */
    long budgetMs();

    /** Time for one upstream attempt. */
    long attemptTimeoutMs();

    Retry retry();

    CircuitBreaker circuitBreaker();

    Bulkhead bulkhead();

    Stale stale();

    interface Retry {
        /** Retries after the first attempt, for transient failures only. */
        int maxRetries();

        /** First backoff; each further one doubles, with jitter. */
        long initialDelayMs();
    }

    interface CircuitBreaker {
        /** How many recent upstream calls the failure ratio is taken over. */
        int window();

        /** Failure ratio over the window that opens the circuit. */
        double failureRatio();

        /** How long the circuit stays open before one trial call. */
        long delayMs();
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

        /** How long a last good copy may be served after it was fetched. */
        long maxAgeMs();
    }
}

package io.omnivibe.resilience;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.omnivibe.config.LookupPolicy;
import io.smallrye.faulttolerance.api.CircuitBreakerState;

/** What we know of the upstream's health: the circuit's state and the last good answer. */
@ApplicationScoped
public class UpstreamState {

    private static final Logger LOG = Logger.getLogger(UpstreamState.class);

    private final Duration openDelay;
    private final int trialLookups;
    private volatile CircuitBreakerState circuit = CircuitBreakerState.CLOSED;
    private volatile Instant lastSuccess;
    private volatile long openedAtNanos;

    UpstreamState(LookupPolicy policy, MeterRegistry registry) {
        this.openDelay = Duration.ofMillis(policy.circuitBreaker().delayMs());
        this.trialLookups = policy.circuitBreaker().trialLookups();
        // One series per state, 1 for the current one: alerting on state="open" needs no decoding.
        for (CircuitBreakerState state : CircuitBreakerState.values()) {
            Gauge.builder("omnivibe.upstream.circuit.state", () -> circuitState() == state ? 1 : 0)
                    .description("State of the circuit breaker in front of the upstream: 1 for the current state")
                    .tag("state", state.name().toLowerCase())
                    .register(registry);
        }
    }

    /** Called by the circuit breaker on each transition; it must return quickly. */
    void circuitChanged(CircuitBreakerState state) {
        if (state == CircuitBreakerState.OPEN) {
            openedAtNanos = System.nanoTime();
        }
        circuit = state;
        switch (state) {
            case OPEN -> LOG.warnf("Upstream circuit open: lookups fail fast without calling the upstream for %d ms",
                    openDelay.toMillis());
            case HALF_OPEN -> LOG.infof("Upstream circuit half-open: up to %d trial lookups decide whether it closes", trialLookups);
            case CLOSED -> LOG.info("Upstream circuit closed");
        }
    }

    void recordSuccess() {
        lastSuccess = Instant.now();
    }

    public Optional<Instant> lastSuccess() {
        return Optional.ofNullable(lastSuccess);
    }

    public CircuitBreakerState circuitState() {
        return circuit;
    }

    /** Time until the open circuit lets a trial call through; at least one second. */
    public Duration untilCircuitTrial() {
        Duration left = openDelay.minusNanos(System.nanoTime() - openedAtNanos);
        return left.compareTo(Duration.ofSeconds(1)) > 0 ? left : Duration.ofSeconds(1);
    }
}

package io.omnivibe.resilience;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.omnivibe.config.LookupPolicy;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;

/** What we know of the upstream's health: the circuit's state and the last good answer. */
@ApplicationScoped
public class UpstreamState {

    private final CircuitBreakerMaintenance circuits;
    private final Duration openDelay;
    private volatile Instant lastSuccess;
    private volatile long openedAtNanos;

    UpstreamState(CircuitBreakerMaintenance circuits, LookupPolicy policy, MeterRegistry registry) {
        this.circuits = circuits;
        this.openDelay = Duration.ofMillis(policy.circuitBreaker().delayMs());
        // One series per state, 1 for the current one: alerting on state="open" needs no decoding.
        for (CircuitBreakerState state : CircuitBreakerState.values()) {
            Gauge.builder("omnivibe.upstream.circuit.state", () -> circuitState() == state ? 1 : 0)
                    .description("State of the circuit breaker in front of the upstream: 1 for the current state")
                    .tag("state", state.name().toLowerCase())
                    .register(registry);
        }
    }

    void watchCircuit(@Observes StartupEvent event) {
        circuits.onStateChange(UpstreamGuard.CIRCUIT, state -> {
            if (state == CircuitBreakerState.OPEN) {
                openedAtNanos = System.nanoTime();
            }
        });
    }

    void recordSuccess() {
        lastSuccess = Instant.now();
    }

    public Optional<Instant> lastSuccess() {
        return Optional.ofNullable(lastSuccess);
    }

    public CircuitBreakerState circuitState() {
        return circuits.currentState(UpstreamGuard.CIRCUIT);
    }

    /** Time until the open circuit lets a trial call through; at least one second. */
    public Duration untilCircuitTrial() {
        Duration left = openDelay.minusNanos(System.nanoTime() - openedAtNanos);
        return left.compareTo(Duration.ofSeconds(1)) > 0 ? left : Duration.ofSeconds(1);
    }
}

package io.omnivibe.lookup;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

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

    UpstreamState(CircuitBreakerMaintenance circuits, LookupPolicy policy) {
        this.circuits = circuits;
        this.openDelay = Duration.ofMillis(policy.circuitBreaker().delayMs());
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
    Duration untilCircuitTrial() {
        Duration left = openDelay.minusNanos(System.nanoTime() - openedAtNanos);
        return left.compareTo(Duration.ofSeconds(1)) > 0 ? left : Duration.ofSeconds(1);
    }
}

package io.omnivibe.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.omnivibe.shared.SharedStore;

/**
 * The shared store's state, as data: an instance whose Redis does not answer still serves lookups
 * in process, so it stays ready.
 */
@Readiness
@ApplicationScoped
public class SharedStoreReadinessCheck implements HealthCheck {

    private final SharedStore store;

    SharedStoreReadinessCheck(SharedStore store) {
        this.store = store;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("omnivibe-shared-store")
                .up()
                .withData("state", store.state().name().toLowerCase())
                .build();
    }
}

package io.omnivibe.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.omnivibe.resilience.UpstreamState;

/**
 * Ready once configured (start-up refuses a missing upstream URL). A failing upstream does not
 * make the service unready: taking every instance out of rotation would also stop the stale
 * copies, so the upstream's state is reported as data instead.
 */
@Readiness
@ApplicationScoped
public class UpstreamReadinessCheck implements HealthCheck {

    private final UpstreamState upstream;

    UpstreamReadinessCheck(UpstreamState upstream) {
        this.upstream = upstream;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("omnivibe-upstream")
                .up()
                .withData("circuit", upstream.circuitState().name().toLowerCase())
                .withData("lastSuccess", upstream.lastSuccess().map(Object::toString).orElse("never"))
                .build();
    }
}

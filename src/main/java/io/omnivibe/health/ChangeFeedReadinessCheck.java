package io.omnivibe.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.omnivibe.changes.ChangeFeed;

/**
 * Whether this instance hears Chatwoot's changes, as data: off (no webhooks), direct (they come
 * to it), listening (the fleet's, through Redis) or lost. An instance that does not hear them
 * serves copies within the short window only, and stays ready.
 */
@Readiness
@ApplicationScoped
public class ChangeFeedReadinessCheck implements HealthCheck {

    private final ChangeFeed feed;

    ChangeFeedReadinessCheck(ChangeFeed feed) {
        this.feed = feed;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("omnivibe-webhooks")
                .up()
                .withData("changes", feed.state().name().toLowerCase())
                .build();
    }
}

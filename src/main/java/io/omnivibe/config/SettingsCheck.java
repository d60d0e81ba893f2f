package io.omnivibe.config;

import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * At start-up, before the service listens: stops it when settings that are each in range
 * ({@link PolicyRangeCheck}) cannot work together, and says when they together cut lookups short.
 */
@ApplicationScoped
class SettingsCheck {

    private static final Logger LOG = Logger.getLogger(SettingsCheck.class);

    void onStart(@Observes StartupEvent event, LookupPolicy policy,
            @ConfigProperty(name = "quarkus.shutdown.timeout") Optional<Duration> shutdownTimeout,
            @ConfigProperty(name = "quarkus.redis.hosts") Optional<String> redisHosts) {
        // As the shared store decides whether a Redis is named.
        boolean redisNamed = redisHosts.filter(hosts -> !hosts.isBlank()).isPresent();
        PolicyRanges.bodyBoundViolation(policy)
                .or(() -> PolicyRanges.heapViolation(policy, Runtime.getRuntime().maxMemory()))
                .or(() -> PolicyRanges.freshnessViolation(policy))
                .ifPresent(violation -> {
                    throw new ConfigurationException(violation);
                });
        shutdownTimeout.flatMap(timeout -> PolicyRanges.shutdownWarning(policy, timeout)).ifPresent(LOG::warn);
        PolicyRanges.retryWarning(policy, redisNamed).ifPresent(LOG::warn);
        PolicyRanges.freshnessWarning(policy).ifPresent(LOG::warn);
        if (redisNamed) {
            PolicyRanges.sharedTimeoutWarning(policy).ifPresent(LOG::warn);
        }
    }
}

package io.omnivibe.observability;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigValue;
import org.jboss.logging.Logger;

import io.opentelemetry.sdk.trace.samplers.Sampler;

/**
 * Decides at start-up whether spans are sampled (and so exported): when an operator names an OTLP
 * endpoint, every trace is, honouring a sampled parent; otherwise none is, so that nothing is sent
 * to a collector that is not there and nothing waits on one. Quarkus fixes its own sampler setting
 * at build time; a sampler bean takes its place at run time. Unsampled lookups still get a trace
 * id for the logs.
 */
@Singleton
public class TracingSampler {

    static final String ENDPOINT = "quarkus.otel.exporter.otlp.endpoint";
    static final String TRACES_ENDPOINT = "quarkus.otel.exporter.otlp.traces.endpoint";

    private static final Logger LOG = Logger.getLogger(TracingSampler.class);

    @Produces
    @Singleton
    Sampler sampler(Config config) {
        if (configured(config, TRACES_ENDPOINT) || configured(config, ENDPOINT)) {
            LOG.info("Tracing on: spans are exported to the configured OTLP endpoint");
            return Sampler.parentBased(Sampler.alwaysOn());
        }
        return Sampler.alwaysOff();
    }

    /**
     * Set by the operator (environment, system property, a config file), not a default: Quarkus's
     * defaults come from sources of negative ordinal, every file and the environment from positive.
     */
    static boolean configured(Config config, String property) {
        ConfigValue value = config.getConfigValue(property);
        return value.getValue() != null && !value.getValue().isBlank() && value.getSourceOrdinal() > 0;
    }
}

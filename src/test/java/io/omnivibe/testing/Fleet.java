package io.omnivibe.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;

/**
 * Packaged instances (JVM or native) naming one Redis and one secret, in front of one upstream:
 * started by a test, all stopped after it.
 */
public final class Fleet implements AutoCloseable {

    private final Map<String, String> shared;
    private final List<PackagedService> instances = new ArrayList<>();

    public Fleet(WireMockServer upstream, EmbeddedRedis redis) {
        // No load balancer to wait for on shutdown.
        this.shared = Map.of("OMNIVIBE_BASE_URL", upstream.baseUrl(), "QUARKUS_REDIS_HOSTS", redis.url(),
                "LOOKUP_SHARED_SECRET", SharedRedis.newSecret(), "QUARKUS_SHUTDOWN_DELAY", "0s");
    }

    /** Starts {@code count} more instances with these settings beside the fleet's own. */
    public List<PackagedService> start(int count, Map<String, String> settings) throws Exception {
        Map<String, String> environment = new HashMap<>(settings);
        environment.putAll(shared);
        List<PackagedService> started = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            PackagedService instance = PackagedService.start(List.of(), environment);
            instances.add(instance);
            started.add(instance);
        }
        return started;
    }

    @Override
    public void close() throws Exception {
        instances.forEach(PackagedService::terminate);
        for (PackagedService instance : instances) {
            instance.close();
        }
    }
}

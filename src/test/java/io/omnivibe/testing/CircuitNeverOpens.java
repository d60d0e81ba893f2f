package io.omnivibe.testing;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** A circuit window too large to fill, so that each failure is seen on its own. */
public class CircuitNeverOpens implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("lookup.circuit-breaker.window", "1000000");
    }
}

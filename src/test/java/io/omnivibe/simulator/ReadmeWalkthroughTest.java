package io.omnivibe.simulator;

import io.omnivibe.testing.Management;
import static io.omnivibe.simulator.SimulatedOmnivibeTest.DEMO;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.io.IOException;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The README's "Try it" lines, pasted in the README's order into a fresh dev-mode service, give
 * the answers the README promises, up to the circuit opening and the stale copy.
 */
@QuarkusTest
@TestProfile(ReadmeWalkthroughTest.AsInDevMode.class)
class ReadmeWalkthroughTest {

    public static class AsInDevMode implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lookup.circuit-breaker.window", "6");
        }
    }

    @Test
    void everyLineAnswersAsTheReadmeSays() throws IOException {
        for (int conversation = 1; conversation <= 5; conversation++) {
            given().when().get(DEMO + conversation).then().statusCode(200).header("X-Cache", nullValue());
        }
        given().when().get(DEMO + 102).then().statusCode(200);
        given().when().get(DEMO + 105).then().statusCode(200);
        given().when().get(DEMO + 103).then().statusCode(503).header("Retry-After", "1")
                .body("type", equalTo("urn:omnivibe-lookup:problem:upstream-rate-limited"));
        given().when().get(DEMO + 101).then().statusCode(504)
                .body("type", equalTo("urn:omnivibe-lookup:problem:upstream-timeout"));
        given().when().get(DEMO + 104).then().statusCode(502)
                .body("type", equalTo("urn:omnivibe-lookup:problem:upstream-error"));
        given().when().get(DEMO + 104).then().statusCode(503)
                .body("type", equalTo("urn:omnivibe-lookup:problem:circuit-open"));

        byte[] stale = given().when().get(DEMO + 1).then().statusCode(200).header("X-Cache", "STALE")
                .extract().asByteArray();
        assertThat(stale).isEqualTo(SimulatedOmnivibeTest.simulatorFile("conversation-1.json"));
        given().when().get(DEMO + 404).then().statusCode(503)
                .body("type", equalTo("urn:omnivibe-lookup:problem:circuit-open"));
        Management.given().when().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'omnivibe-upstream' }.data.circuit", equalTo("open"));
    }
}

package io.omnivibe.health;

import static org.hamcrest.Matchers.equalTo;

import static io.restassured.RestAssured.given;

import org.junit.jupiter.api.Test;

import io.omnivibe.testing.Management;
import io.omnivibe.testing.OmnivibeStub;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Health and metrics are served on the management port only; the lookup port does not show them. */
@QuarkusTest
@WithTestResource(OmnivibeStub.class)
class HealthTest {

    @Test
    void isLiveAndReadyWithTheCircuitStateAsData() {
        Management.given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        Management.given().when().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'omnivibe-upstream' }.data.circuit", equalTo("closed"));
    }

    @Test
    void servesHealthAndMetricsOnTheManagementPortOnly() {
        Management.given().when().get("/q/metrics").then().statusCode(200);
        for (String operational : new String[] { "/q/metrics", "/q/health", "/q/health/live", "/q/health/ready" }) {
            given().when().get(operational).then().statusCode(404);
        }
        given().when().get("/q/openapi").then().statusCode(200);
    }
}

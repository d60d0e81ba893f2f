package io.omnivibe.simulator;

import static io.omnivibe.simulator.SimulatedOmnivibeTest.DEMO;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** The README's outage walk-through: the always-failing conversation opens the circuit, and copies are served. */
@QuarkusTest
class SimulatedOutageTest {

    @Test
    void theCircuitOpensAndTheLastGoodCopyIsServed() throws IOException {
        given().when().get(DEMO + 1).then().statusCode(200);

        for (int i = 0; i < 3; i++) {
            given().when().get(DEMO + 104).then().statusCode(502);
        }
        given().when().get(DEMO + 104).then().statusCode(503)
                .body("type", equalTo("urn:omnivibe-lookup:problem:circuit-open"));

        byte[] stale = given().when().get(DEMO + 1).then().statusCode(200).header("X-Cache", "STALE")
                .extract().asByteArray();
        assertThat(stale).isEqualTo(SimulatedOmnivibeTest.simulatorFile("conversation-1.json"));
    }
}

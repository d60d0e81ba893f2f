package io.omnivibe.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import static io.restassured.RestAssured.given;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.omnivibe.testing.CircuitNeverOpens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The simulated Omnivibe that dev mode starts, driven through the service exactly as the README's
 * curl lines do. The circuit is kept closed here; {@link ReadmeWalkthroughTest} opens it.
 */
@QuarkusTest
@TestProfile(CircuitNeverOpens.class)
class SimulatedOmnivibeTest {

    static final String DEMO = "/inboxes/demo-inbox-token/contacts/demo-contact/conversations/";

    static byte[] simulatorFile(String name) throws IOException {
        return Files.readAllBytes(Path.of("src", "main", "simulator", "__files", name));
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 3, 4, 5 })
    void servesItsRealisticConversationsUnchanged(int conversationId) throws IOException {
        byte[] answer = given().when().get(DEMO + conversationId).then()
                .statusCode(200).contentType("application/json").header("X-Cache", nullValue())
                .extract().asByteArray();

        assertThat(answer).isEqualTo(simulatorFile("conversation-" + conversationId + ".json"));
    }

    @Test
    void answers504WhenTheConversationIsSlowerThanEveryAttempt() {
        long started = System.nanoTime();
        given().when().get(DEMO + 101).then().statusCode(504)
                .body("type", equalTo("urn:omnivibe-lookup:problem:upstream-timeout"));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(7));
    }

    @Test
    void recoversFromTwoFailuresByRetrying() throws IOException {
        byte[] answer = given().when().get(DEMO + 102).then().statusCode(200).extract().asByteArray();

        assertThat(answer).isEqualTo(simulatorFile("conversation-102.json"));
    }

    @Test
    void answers503WithRetryAfterBehindARateLimit() {
        given().when().get(DEMO + 103).then().statusCode(503)
                .header("Retry-After", "1")
                .body("type", equalTo("urn:omnivibe-lookup:problem:upstream-rate-limited"));
    }

    @Test
    void waitsOutTheRetryAfterItIsAskedFor() throws IOException {
        long started = System.nanoTime();
        byte[] answer = given().when().get(DEMO + 105).then().statusCode(200).extract().asByteArray();

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(950));
        assertThat(answer).isEqualTo(simulatorFile("conversation-105.json"));
    }

    @Test
    void answers502ForTheConversationThatAlwaysFails() {
        given().when().get(DEMO + 104).then().statusCode(502)
                .body("type", equalTo("urn:omnivibe-lookup:problem:upstream-error"));
    }

    @Test
    void answers404ForAConversationItDoesNotHave() {
        given().when().get(DEMO + 404).then().statusCode(404)
                .body("type", equalTo("urn:omnivibe-lookup:problem:conversation-not-found"));
    }
}

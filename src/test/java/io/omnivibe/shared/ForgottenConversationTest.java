package io.omnivibe.shared;

import static org.awaitility.Awaitility.await;

import static io.restassured.RestAssured.given;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;

import io.omnivibe.testing.Bodies;
import io.omnivibe.testing.EmbeddedRedis;
import io.omnivibe.testing.InjectOmnivibeStub;
import io.omnivibe.testing.InjectSharedRedis;
import io.omnivibe.testing.OmnivibeStub;
import io.omnivibe.testing.SharedRedis;
import io.omnivibe.testing.TestConversation;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** A conversation the upstream no longer shows leaves Redis too: no instance falls back to it. */
@QuarkusTest
@WithTestResource(OmnivibeStub.class)
@WithTestResource(SharedRedis.class)
@TestProfile(ForgottenConversationTest.PatientRedis.class)
class ForgottenConversationTest {

    public static class PatientRedis implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // On a busy machine a write past production's 50 ms would be dropped; this test is about what is kept.
            return Map.of("lookup.shared.timeout-ms", "2000");
        }
    }

    @InjectOmnivibeStub
    WireMockServer upstream;

    @InjectSharedRedis
    EmbeddedRedis redis;

    @Test
    void aNotFoundAnswerRemovesTheFleetsCopy() {
        upstream.resetAll();
        redis.flush();
        TestConversation conversation = TestConversation.fresh();
        upstream.stubFor(OmnivibeStub.answering(conversation, Bodies.resource("example.json")));
        given().when().get(conversation.lookupPath()).then().statusCode(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> redis.keys().stream().anyMatch(key -> key.contains(":copy:")));

        upstream.resetAll();
        upstream.stubFor(WireMock.get(WireMock.urlPathEqualTo(conversation.upstreamPath()))
                .willReturn(OmnivibeStub.notFound()));
        given().when().get(conversation.lookupPath()).then().statusCode(404);

        await().atMost(Duration.ofSeconds(10)).until(() -> redis.keys().stream().noneMatch(key -> key.contains(":copy:")));
    }
}

package io.omnivibe.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import static io.restassured.RestAssured.given;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.omnivibe.testing.InjectOmnivibeStub;
import io.omnivibe.testing.Metrics;
import io.omnivibe.testing.OmnivibeStub;
import io.omnivibe.testing.TestConversation;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The cap on upstream calls and the circuit together, on an upstream that is down: a lookup the
 * cap refuses is not counted by the circuit as a success. A refused retry ends the lookup with
 * the upstream's failure (so failing lookups open the circuit however many the cap refuses), and a
 * refused trial does not close an open circuit without a call.
 */
@QuarkusTest
@WithTestResource(OmnivibeStub.class)
@TestProfile(CallCapAndCircuitTest.ThreeCallsAMinute.class)
class CallCapAndCircuitTest {

    /** Three calls a minute; one retry, at once; a circuit that opens on two failing lookups in a row and tries again after 0.5 s. */
    public static class ThreeCallsAMinute implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lookup.upstream.max-calls-per-minute", "3",
                    "lookup.retry.max-retries", "1",
                    "lookup.retry.initial-delay-ms", "0",
                    "lookup.circuit-breaker.window", "2",
                    "lookup.circuit-breaker.failure-ratio", "0.75",
                    "lookup.circuit-breaker.delay-ms", "500",
                    "lookup.circuit-breaker.trial-lookups", "1");
        }
    }

    @InjectOmnivibeStub
    WireMockServer upstream;

    @Test
    void lookupsTheCapRefusesNeitherHideFailuresFromTheCircuitNorCloseIt() {
        upstream.resetAll();
        upstream.stubFor(get(urlPathMatching("/public/api/v1/inboxes/.*")).willReturn(aResponse().withStatus(500)));

        // Two calls: the first attempt and its retry.
        lookUp(TestConversation.fresh(), 502, "upstream-error");
        // The third call fails; its retry is refused by the cap: the lookup ends with the upstream's failure.
        lookUp(TestConversation.fresh(), 502, "upstream-error");
        assertThat(upstream.countRequestsMatching(anyRequestedFor(anyUrl()).build()).getCount()).isEqualTo(3);
        assertThat(circuitIs("open")).isTrue();

        // Once its trial is due, a trial the cap refuses made no call: the circuit does not close on it.
        await().atMost(Duration.ofSeconds(10)).until(() -> given().when().get(TestConversation.fresh().lookupPath())
                .then().statusCode(503).extract().path("type").equals("urn:omnivibe-lookup:problem:upstream-call-limit"));
        assertThat(circuitIs("closed")).isFalse();
        assertThat(upstream.countRequestsMatching(anyRequestedFor(anyUrl()).build()).getCount()).isEqualTo(3);
    }

    private static void lookUp(TestConversation conversation, int status, String type) {
        given().when().get(conversation.lookupPath())
                .then().statusCode(status)
                .body("type", equalTo("urn:omnivibe-lookup:problem:" + type));
    }

    private static boolean circuitIs(String state) {
        return Metrics.value("omnivibe_upstream_circuit_state", "state=" + state) == 1;
    }
}

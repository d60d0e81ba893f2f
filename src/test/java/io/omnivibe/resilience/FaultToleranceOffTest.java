package io.omnivibe.resilience;

import static org.hamcrest.Matchers.equalTo;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import static io.restassured.RestAssured.given;

import java.util.Map;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.omnivibe.testing.InjectOmnivibeStub;
import io.omnivibe.testing.OmnivibeStub;
import io.omnivibe.testing.TestConversation;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * MicroProfile Fault Tolerance's own switch turns the guards off, the retries among them: an
 * upstream failure is still answered as what it is, after one attempt, not as this service's error.
 */
@QuarkusTest
@WithTestResource(OmnivibeStub.class)
@TestProfile(FaultToleranceOffTest.GuardsOff.class)
class FaultToleranceOffTest {

    public static class GuardsOff implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("MP_Fault_Tolerance_NonFallback_Enabled", "false");
        }
    }

    @InjectOmnivibeStub
    WireMockServer upstream;

    @Test
    void answersTheUpstreamsFailureAfterOneAttempt() {
        TestConversation conversation = TestConversation.fresh();
        upstream.stubFor(get(urlPathEqualTo(conversation.upstreamPath())).willReturn(aResponse().withStatus(503)));

        given().when().get(conversation.lookupPath()).then()
                .statusCode(502)
                .body("type", equalTo("urn:omnivibe-lookup:problem:upstream-error"))
                .body("detail", equalTo("The upstream answered HTTP 503."));
        upstream.verify(1, getRequestedFor(urlPathEqualTo(conversation.upstreamPath())));
    }
}

package io.omnivibe.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import static io.restassured.RestAssured.given;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.omnivibe.testing.Bodies;
import io.omnivibe.testing.CircuitNeverOpens;
import io.omnivibe.testing.InjectOmnivibeStub;
import io.omnivibe.testing.Metrics;
import io.omnivibe.testing.OmnivibeStub;
import io.omnivibe.testing.TestConversation;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * A caller alone may use the whole cap over a minute, at its pace, not in a burst: with 60 a minute,
 * 9 lookups' calls in any 10 s (nine of the window's ten slots), so that whoever comes next finds
 * calls left. Over it, a lookup gets what an over-cap lookup gets.
 */
@QuarkusTest
@WithTestResource(OmnivibeStub.class)
@TestProfile(CallerPaceTest.SixtyCallsPerMinute.class)
class CallerPaceTest {

    private static final int PACE = 9;

    /** An instance of its own: the window starts with this test. */
    public static class SixtyCallsPerMinute extends CircuitNeverOpens {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
            overrides.put("lookup.upstream.max-calls-per-minute", "60");
            return overrides;
        }
    }

    @InjectOmnivibeStub
    WireMockServer upstream;

    @Test
    void aCallerAloneGetsTheCapsPaceThenItsStaleCopyOr503UntilItsShareFreesUp() {
        upstream.resetAll();
        TestConversation conversation = TestConversation.fresh();
        String inbox = "/inboxes/" + conversation.inboxIdentifier() + "/contacts/" + conversation.contactIdentifier() + "/conversations/";
        upstream.stubFor(get(urlPathMatching("/public/api/v1" + inbox + "\\d+")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(Bodies.resource("example.json"))));
        double refusedBefore = Metrics.value("omnivibe_upstream_calls_refused_total", "reason=share");

        for (int id = 1; id <= PACE; id++) {
            given().when().get(inbox + id).then().statusCode(200);
        }
        String retryAfter = given().when().get(inbox + (PACE + 1))
                .then().statusCode(503)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:omnivibe-lookup:problem:upstream-call-limit"))
                .body("detail", startsWith("Your share of this service's upstream calls is spent"))
                .extract().header("Retry-After");
        assertThat(Integer.parseInt(retryAfter)).isBetween(1, 10);
        given().when().get(inbox + 1).then().statusCode(200).header("X-Cache", "STALE");

        assertThat(upstream.countRequestsMatching(anyRequestedFor(anyUrl()).build()).getCount()).isEqualTo(PACE);
        assertThat(Metrics.value("omnivibe_upstream_calls_refused_total", "reason=share")).isEqualTo(refusedBefore + 2);
    }
}

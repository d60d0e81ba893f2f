package io.omnivibe.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
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
import io.restassured.response.Response;

/**
 * The cap on upstream calls per minute: retries count, and over it a lookup gets its stale copy or
 * 503. Each lookup comes from a caller of its own (named by a header), so that the minute's cap,
 * not one caller's share of it (CallerPaceTest), is what is reached.
 */
@QuarkusTest
@WithTestResource(OmnivibeStub.class)
@TestProfile(CallLimitTest.SixtyCallsPerMinute.class)
class CallLimitTest {

    private static final int CAP = 60;

    /** An instance of its own: the cap's minute starts with this test. */
    public static class SixtyCallsPerMinute extends CircuitNeverOpens {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
            overrides.put("lookup.upstream.max-calls-per-minute", String.valueOf(CAP));
            overrides.put("lookup.callers.header", "X-Caller");
            return overrides;
        }
    }

    @InjectOmnivibeStub
    WireMockServer upstream;

    @Test
    void retriesCountAndOverTheCapALookupGetsItsStaleCopyOr503() {
        upstream.resetAll();
        TestConversation conversation = TestConversation.fresh();
        String inbox = "/inboxes/" + conversation.inboxIdentifier() + "/contacts/" + conversation.contactIdentifier() + "/conversations/";
        upstream.stubFor(get(urlPathMatching("/public/api/v1" + inbox + "\\d+")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(Bodies.resource("example.json"))));
        upstream.stubFor(get(urlPathEqualTo("/public/api/v1" + inbox + "500")).willReturn(aResponse().withStatus(500)));
        double refusedBefore = Metrics.value("omnivibe_upstream_calls_refused_total", "reason=cap");

        // 1 call, then 3 (a failing lookup and its two retries), then 56: the minute's 60.
        lookUp(inbox + 1).then().statusCode(200);
        lookUp(inbox + 500).then().statusCode(502);
        for (int id = 2; id <= CAP - 3; id++) {
            lookUp(inbox + id).then().statusCode(200);
        }
        assertThat(upstream.countRequestsMatching(anyRequestedFor(anyUrl()).build()).getCount()).isEqualTo(CAP);

        String retryAfter = lookUp(inbox + CAP)
                .then().statusCode(503)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:omnivibe-lookup:problem:upstream-call-limit"))
                .body("detail", startsWith("This service's upstream calls for the last minute are spent"))
                .body("status", equalTo(503))
                .extract().header("Retry-After");
        assertThat(Integer.parseInt(retryAfter)).isBetween(1, 60);

        // A conversation looked up before is served from its last good copy.
        // (Asked by a caller that made no call yet: within its share, it meets the spent cap.)
        given().header("X-Caller", "another").when().get(inbox + 1).then().statusCode(200).header("X-Cache", "STALE");

        assertThat(upstream.countRequestsMatching(anyRequestedFor(anyUrl()).build()).getCount()).isEqualTo(CAP);
        assertThat(Metrics.value("omnivibe_upstream_calls_refused_total", "reason=cap")).isEqualTo(refusedBefore + 2);
    }

    /** A lookup of a caller of its own: the conversation's path names it. */
    private static Response lookUp(String path) {
        return given().header("X-Caller", path).when().get(path);
    }
}

package io.omnivibe.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import static io.restassured.RestAssured.given;

import java.time.Duration;
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

/** A retry whose wait would outlast the lookup's budget is not waited for, and holds no bulkhead slot. */
@QuarkusTest
@WithTestResource(OmnivibeStub.class)
@TestProfile(RetryWithinBudgetTest.SlowBackoff.class)
class RetryWithinBudgetTest {

    /**
     * A first retry 10 to 20 s after a failure, well past the 5 s budget, and one lookup at a time
     * on its way to the upstream: a lookup that kept its slot while waiting would leave the next
     * one queued behind it. The circuit never opens here.
     */
    public static class SlowBackoff implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lookup.retry.initial-delay-ms", "20000", "lookup.bulkhead.max-in-flight", "1",
                    "lookup.circuit-breaker.window", "1000000");
        }
    }

    @InjectOmnivibeStub
    WireMockServer upstream;

    @Test
    void answersWithTheUpstreamsFailureAtOnceAndFreesItsSlot() {
        for (int lookup = 0; lookup < 3; lookup++) {
            TestConversation conversation = TestConversation.fresh();
            upstream.stubFor(get(urlPathEqualTo(conversation.upstreamPath())).willReturn(aResponse().withStatus(500)));

            long started = System.nanoTime();
            given().when().get(conversation.lookupPath()).then()
                    .statusCode(502)
                    .body("type", equalTo("urn:omnivibe-lookup:problem:upstream-error"))
                    .body("detail", equalTo("The upstream answered HTTP 500."));
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            // Waiting for the budget would take 5 s, for the retry 10 s or more.
            assertThat(took).isLessThan(Duration.ofSeconds(4));
            upstream.verify(1, getRequestedFor(urlPathEqualTo(conversation.upstreamPath())));
        }
    }
}

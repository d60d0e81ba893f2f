package io.omnivibe.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;

import static io.restassured.RestAssured.given;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.omnivibe.testing.Bodies;
import io.omnivibe.testing.CapturedLog;
import io.omnivibe.testing.EmbeddedRedis;
import io.omnivibe.testing.InjectOmnivibeStub;
import io.omnivibe.testing.InjectSharedRedis;
import io.omnivibe.testing.Management;
import io.omnivibe.testing.OmnivibeStub;
import io.omnivibe.testing.SharedRedis;
import io.omnivibe.testing.TestConversation;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A Redis that answers, only later than a lookup can wait, is slow, not lost: the lookup is
 * refused as over the cap, never given the offline allowance, and Redis stays reachable.
 */
@QuarkusTest
@WithTestResource(OmnivibeStub.class)
@WithTestResource(SharedRedis.class)
@TestProfile(FleetCapWhileRedisIsSlowTest.ShortBudget.class)
class FleetCapWhileRedisIsSlowTest {

    /** A lookup may wait for its permit 500 ms less an attempt's shortest useful time (40 ms). */
    public static class ShortBudget implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lookup.budget-ms", "500", "lookup.attempt-timeout-ms", "400");
        }
    }

    /** Longer than the lookup can wait, shorter than the second after which Redis is taken for lost. */
    private static final Duration REDIS_SLOW_FOR = Duration.ofMillis(800);

    @InjectOmnivibeStub
    WireMockServer upstream;

    @InjectSharedRedis
    EmbeddedRedis redis;

    @Test
    void aPermitThatDoesNotComeInTimeIsARefusalNotAnAllowance() {
        upstream.resetAll();
        TestConversation firstLookup = TestConversation.fresh();
        TestConversation conversation = TestConversation.fresh();
        upstream.stubFor(OmnivibeStub.answering(firstLookup, Bodies.resource("example.json")));
        upstream.stubFor(OmnivibeStub.answering(conversation, Bodies.resource("example.json")));

        // The first lookup of the process, slower than the others, takes the first lease's permit.
        given().when().get(firstLookup.lookupPath()).then().statusCode(200);
        try (CapturedLog log = CapturedLog.attach()) {
            redis.pause(REDIS_SLOW_FOR);
            given().when().get(conversation.lookupPath())
                    .then().statusCode(503)
                    .header("Retry-After", "1")
                    .body(containsString("upstream-call-limit"));
            assertThat(upstream.countRequestsMatching(anyRequestedFor(anyUrl()).build()).getCount()).isOne();

            // Once Redis answers, the next lookup is permitted.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(
                    () -> given().when().get(conversation.lookupPath()).then().statusCode(200));
            assertThat(log.text()).doesNotContain("unreachable");
        }
        Management.given().when().get("/q/health/ready")
                .then().body("checks.find { it.name == 'omnivibe-shared-store' }.data.state", equalTo("reachable"));
    }
}

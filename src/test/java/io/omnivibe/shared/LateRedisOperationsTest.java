package io.omnivibe.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

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
import io.omnivibe.testing.Metrics;
import io.omnivibe.testing.OmnivibeStub;
import io.omnivibe.testing.SharedRedis;
import io.omnivibe.testing.TestConversation;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * An operation that runs out of time while Redis answers the others (queued for a connection, or
 * held through a pause of this process) is late: Redis is not taken for unreachable, and the
 * other operations go on.
 */
@QuarkusTest
@WithTestResource(OmnivibeStub.class)
@WithTestResource(SharedRedis.class)
@TestProfile(LateRedisOperationsTest.ReadsBeforeEachCall.class)
class LateRedisOperationsTest {

    private static final Duration REDIS_TIME_LIMIT = Duration.ofMillis(300);

    public static class ReadsBeforeEachCall implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // With the freshness window on, each lookup first reads the fleet's copy: reads go on
            // while a write waits. No cap: its operations are writes too.
            return Map.of("lookup.fresh-for-ms", "60000", "lookup.shared.timeout-ms", String.valueOf(REDIS_TIME_LIMIT.toMillis()),
                    "lookup.upstream.max-calls-per-minute", "0");
        }
    }

    @InjectOmnivibeStub
    WireMockServer upstream;

    @InjectSharedRedis
    EmbeddedRedis redis;

    @Test
    void aWriteRunningOutOfTimeWhileReadsAreAnsweredLeavesRedisReachable() {
        upstream.resetAll();
        upstream.stubFor(get(urlPathMatching("/public/api/v1/inboxes/.*")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(Bodies.resource("example.json"))));
        given().when().get(TestConversation.fresh().lookupPath()).then().statusCode(200);
        await().atMost(Duration.ofSeconds(10)).until(
                () -> Metrics.value("omnivibe_shared_operations_seconds_count", "operation=write", "result=ok") > 0);

        try (CapturedLog log = CapturedLog.attach()) {
            // Writes held for 1.5 time limits: those sent in the first half limit run out of time, while
            // the next lookups' reads are answered until 2 time limits have passed.
            redis.pauseWrites(REDIS_TIME_LIMIT.multipliedBy(3).dividedBy(2));
            long started = System.nanoTime();
            while (Duration.ofNanos(System.nanoTime() - started).compareTo(REDIS_TIME_LIMIT.multipliedBy(2)) < 0) {
                given().when().get(TestConversation.fresh().lookupPath()).then().statusCode(200);
            }
            await().atMost(Duration.ofSeconds(10)).until(
                    () -> Metrics.value("omnivibe_shared_operations_seconds_count", "operation=write", "result=late") > 0);

            assertThat(log.text()).doesNotContain("unreachable");
        }
        Management.given().when().get("/q/health/ready")
                .then().body("checks.find { it.name == 'omnivibe-shared-store' }.data.state", equalTo("reachable"));
    }
}

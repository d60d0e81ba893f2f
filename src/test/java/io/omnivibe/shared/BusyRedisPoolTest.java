package io.omnivibe.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.omnivibe.testing.Bodies;
import io.omnivibe.testing.CapturedLog;
import io.omnivibe.testing.InjectOmnivibeStub;
import io.omnivibe.testing.Management;
import io.omnivibe.testing.Metrics;
import io.omnivibe.testing.OmnivibeStub;
import io.omnivibe.testing.SharedRedis;
import io.omnivibe.testing.TestConversation;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;

/**
 * More operations in flight than connections to Redis is a busy instance, not an unreachable
 * Redis: the operations that find no connection are skipped, and the others still share the cap
 * and the copies.
 */
@QuarkusTest
@WithTestResource(OmnivibeStub.class)
@WithTestResource(SharedRedis.class)
@TestProfile(BusyRedisPoolTest.OneConnectionNoQueue.class)
class BusyRedisPoolTest {

    public static class OneConnectionNoQueue implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.redis.max-pool-size", "1", "quarkus.redis.max-pool-waiting", "0",
                    "lookup.shared.timeout-ms", "2000");
        }
    }

    private static final int LOOKUPS = 40;

    @InjectOmnivibeStub
    WireMockServer upstream;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void operationsFindingEveryConnectionInUseAreSkippedAndRedisStaysReachable() throws Exception {
        upstream.resetAll();
        upstream.stubFor(get(urlPathMatching("/public/api/v1/inboxes/.*")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(Bodies.resource("example.json"))));

        try (CapturedLog log = CapturedLog.attach()) {
            List<CompletableFuture<HttpResponse<Void>>> lookups = IntStream.range(0, LOOKUPS)
                    .mapToObj(i -> client.sendAsync(HttpRequest.newBuilder(URI.create(RestAssured.baseURI + ":" + RestAssured.port
                            + TestConversation.fresh().lookupPath())).timeout(Duration.ofSeconds(20)).build(),
                            HttpResponse.BodyHandlers.discarding()))
                    .toList();
            CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

            assertThat(lookups).allSatisfy(lookup -> assertThat(lookup.join().statusCode()).isEqualTo(200));
            assertThat(log.text()).doesNotContain("unreachable");
            assertThat(Metrics.value("omnivibe_shared_operations_seconds_count", "result=busy")).isPositive();
        }
        Management.given().when().get("/q/health/ready")
                .then().body("checks.find { it.name == 'omnivibe-shared-store' }.data.state", equalTo("reachable"));
    }
}

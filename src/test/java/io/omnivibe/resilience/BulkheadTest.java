package io.omnivibe.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.omnivibe.testing.HangingUpstream;
import io.omnivibe.testing.Management;
import io.omnivibe.testing.Metrics;
import io.omnivibe.testing.TestConversation;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;

/** A hanging upstream under many lookups: the bulkhead caps calls in flight and the service stays live. */
@QuarkusTest
@WithTestResource(HangingUpstream.class)
@TestProfile(BulkheadTest.OwnInstance.class)
class BulkheadTest {

    /**
     * A service instance of its own, so that its circuit starts closed whatever ran before, with
     * attempts that hang long enough to tell a lookup that waited for the upstream (at least 4 s)
     * from one refused at once, even on a busy machine.
     */
    public static class OwnInstance implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // One attempt per lookup: a retry's new connection would overlap the closing of the
            // timed-out one, which the stub counts a moment late.
            return Map.of("lookup.attempt-timeout-ms", "4000", "lookup.retry.max-retries", "0");
        }
    }

    private static final int LOOKUPS = 200;
    private static final int MAX_IN_FLIGHT = 64;

    HangingUpstream.InFlight upstream;

    private record Outcome(int status, String retryAfter, Duration took) {
    }

    @Test
    void capsUpstreamCallsRefusesTheRestAtOnceAndStaysLive() throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        warmUp(client);
        List<CompletableFuture<Outcome>> lookups = new ArrayList<>();
        for (int i = 0; i < LOOKUPS; i++) {
            HttpRequest request = HttpRequest.newBuilder(serviceUri(TestConversation.fresh().lookupPath()))
                    .timeout(Duration.ofSeconds(30)).build();
            long started = System.nanoTime();
            lookups.add(client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    .thenApply(response -> new Outcome(response.statusCode(),
                            response.headers().firstValue("Retry-After").orElse(null),
                            Duration.ofNanos(System.nanoTime() - started))));
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> upstream.now() >= MAX_IN_FLIGHT);
        long probeStarted = System.nanoTime();
        HttpResponse<String> liveness = client.send(HttpRequest.newBuilder(
                URI.create(RestAssured.baseURI + ":" + Management.port() + "/q/health/live")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(Duration.ofNanos(System.nanoTime() - probeStarted)).isLessThan(Duration.ofSeconds(3));
        assertThat(liveness.statusCode()).isEqualTo(200);
        assertThat(upstream.now()).isLessThanOrEqualTo(MAX_IN_FLIGHT);

        CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        List<Outcome> outcomes = lookups.stream().map(CompletableFuture::join).toList();

        // The one waiting lookup takes a freed place when the first wave times out, and its connection
        // can open before the stub has seen a timed-out one close.
        assertThat(upstream.most()).isLessThanOrEqualTo(MAX_IN_FLIGHT + 1);
        List<Outcome> refused = outcomes.stream().filter(outcome -> outcome.status() == 503).toList();
        // Beyond the bulkhead and its one waiting place, every lookup is refused at once.
        assertThat(refused).hasSizeGreaterThanOrEqualTo(LOOKUPS - MAX_IN_FLIGHT - 1)
                .allSatisfy(outcome -> assertThat(outcome.retryAfter()).isNotNull());
        assertThat(refused.stream().filter(outcome -> outcome.took().compareTo(Duration.ofMillis(3_000)) < 0))
                .hasSizeGreaterThanOrEqualTo(LOOKUPS - MAX_IN_FLIGHT - 1);
        // Every refusal is the bulkhead's, and none counts against the circuit: overload alone never opens it.
        assertThat(Metrics.value("ft_bulkhead_calls_total", "bulkheadResult=rejected")).isEqualTo(refused.size());
        assertThat(Metrics.value("omnivibe_lookups_seconds_count", "outcome=unavailable")).isEqualTo(refused.size());
        assertThat(Metrics.value("ft_circuitbreaker_opened_total")).isZero();
        assertThat(outcomes).allSatisfy(outcome -> {
            assertThat(outcome.status()).isIn(503, 504);
            assertThat(outcome.took()).isLessThan(Duration.ofMillis(7_500));
        });
    }

    /** The first requests of a fresh instance load classes; this test times the ones after. */
    private static void warmUp(HttpClient client) throws Exception {
        for (int i = 0; i < 20; i++) {
            client.send(HttpRequest.newBuilder(serviceUri("/inboxes/warm/contacts/up/conversations/0")).build(),
                    HttpResponse.BodyHandlers.discarding());
        }
    }

    private static URI serviceUri(String path) {
        return URI.create(RestAssured.baseURI + ":" + RestAssured.port + path);
    }
}

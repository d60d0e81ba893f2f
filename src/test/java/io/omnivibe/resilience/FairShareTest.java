package io.omnivibe.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.omnivibe.testing.Bodies;
import io.omnivibe.testing.InjectOmnivibeStub;
import io.omnivibe.testing.Metrics;
import io.omnivibe.testing.OmnivibeStub;
import io.omnivibe.testing.TestConversation;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;

/**
 * One caller cannot spend everyone's upstream budget: beside a greedy caller (16 connections, each
 * lookup another conversation, as fast as it is answered, a forged X-Forwarded-For on each), a
 * polite one (a new conversation every 250 ms, well under half the cap) is answered. Callers are
 * told apart by their loopback addresses, as a client's address would.
 */
@QuarkusTest
@WithTestResource(OmnivibeStub.class)
@TestProfile(FairShareTest.SixHundredCallsPerMinute.class)
public class FairShareTest {

    private static final int GREEDY_CONNECTIONS = 16;
    private static final Duration POLITE_EVERY = Duration.ofMillis(250);
    private static final int POLITE_LOOKUPS = 40;

    /** An instance of its own, as the issue measured it: a cap of 600 a minute and a window of 10 s. */
    public static class SixHundredCallsPerMinute implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lookup.upstream.max-calls-per-minute", "600", "lookup.fresh-for-ms", "10000",
                    "lookup.circuit-breaker.window", "1000000");
        }
    }

    @InjectOmnivibeStub
    WireMockServer upstream;

    private Vertx vertx;

    @BeforeEach
    void startClients() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stopClients() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void aPoliteCallerIsAnsweredBesideAGreedyOneThatForgesItsAddress() throws Exception {
        upstream.resetAll();
        TestConversation identity = TestConversation.fresh();
        String conversations = "/inboxes/" + identity.inboxIdentifier() + "/contacts/" + identity.contactIdentifier() + "/conversations/";
        upstream.stubFor(get(urlPathMatching("/public/api/v1" + conversations + "\\d+")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(Bodies.resource("example.json"))));
        double shareRefusalsBefore = Metrics.value("omnivibe_upstream_calls_refused_total", "reason=share");

        HttpClient greedy = client("127.0.0.2", GREEDY_CONNECTIONS);
        HttpClient polite = client("127.0.0.3", 1);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong nextGreedy = new AtomicLong(1_000_000);
        AtomicInteger greedyAnswered = new AtomicInteger();
        AtomicInteger greedyRefused = new AtomicInteger();
        for (int connection = 0; connection < GREEDY_CONNECTIONS; connection++) {
            greedyLoop(greedy, conversations, nextGreedy, running, greedyAnswered, greedyRefused);
        }

        List<Integer> politeStatuses = new ArrayList<>();
        try {
            for (int lookup = 1; lookup <= POLITE_LOOKUPS; lookup++) {
                long started = System.nanoTime();
                politeStatuses.add(status(polite, conversations + lookup));
                long left = POLITE_EVERY.toNanos() - (System.nanoTime() - started);
                if (left > 0) {
                    TimeUnit.NANOSECONDS.sleep(left); // the polite caller's own pace, not a synchronisation
                }
            }
        } finally {
            running.set(false);
        }

        long answered = politeStatuses.stream().filter(status -> status == 200).count();
        assertThat(answered).as("polite lookups answered 200 of %d: %s", POLITE_LOOKUPS, politeStatuses)
                .isGreaterThanOrEqualTo(Math.round(POLITE_LOOKUPS * 0.95));
        assertThat(greedyRefused.get()).as("the greedy caller was held to its share").isPositive();
        assertThat(greedyAnswered.get()).as("and was answered with what the polite one left").isPositive();
        assertThat(Metrics.value("omnivibe_upstream_calls_refused_total", "reason=share")).isGreaterThan(shareRefusalsBefore);
    }

    private HttpClient client(String localAddress, int connections) {
        return vertx.createHttpClient(new HttpClientOptions().setLocalAddress(localAddress).setDefaultHost("127.0.0.1")
                .setDefaultPort(RestAssured.port).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(connections));
    }

    /** Each answer asks for another conversation at once, with a forged X-Forwarded-For, until the test ends. */
    private void greedyLoop(HttpClient client, String conversations, AtomicLong next, AtomicBoolean running, AtomicInteger answered,
            AtomicInteger refused) {
        if (!running.get()) {
            return;
        }
        String forged = ThreadLocalRandom.current().nextInt(1, 224) + ".0.113." + ThreadLocalRandom.current().nextInt(256);
        client.request(HttpMethod.GET, conversations + next.incrementAndGet())
                .compose(request -> request.putHeader("X-Forwarded-For", forged).send())
                .compose(response -> response.body().map(body -> response.statusCode()))
                .onComplete(result -> {
                    if (result.succeeded()) {
                        (result.result() == 200 ? answered : refused).incrementAndGet();
                    }
                    greedyLoop(client, conversations, next, running, answered, refused);
                });
    }

    private static int status(HttpClient client, String path) throws Exception {
        return client.request(HttpMethod.GET, path)
                .compose(request -> request.send())
                .compose(response -> response.body().map(body -> response.statusCode()))
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}

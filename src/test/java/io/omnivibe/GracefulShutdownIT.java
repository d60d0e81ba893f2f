package io.omnivibe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.omnivibe.testing.Bodies;
import io.omnivibe.testing.PackagedService;

/**
 * A rollout loses no lookup: on SIGTERM the packaged service turns unready at once, keeps answering
 * through its shutdown delay, lets the lookups in flight finish, and then exits on its own.
 */
@Tag("load")
class GracefulShutdownIT {

    private static final int IN_FLIGHT = 20;
    private static final Duration UPSTREAM_DELAY = Duration.ofMillis(1_500);
    private static final Duration SHUTDOWN_DELAY = Duration.ofSeconds(5);
    private static final Duration BUDGET = Duration.ofSeconds(5);
    private static final byte[] CONVERSATION = Bodies.resource("example.json");
    private static final String UPSTREAM_PATH = "/public/api/v1/inboxes/.*";

    private WireMockServer upstream;

    @BeforeEach
    void slowUpstream() {
        upstream = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort()
                .containerThreads(100).asynchronousResponseEnabled(true).asynchronousResponseThreads(100));
        upstream.start();
        upstream.stubFor(get(urlPathMatching(UPSTREAM_PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(CONVERSATION)
                .withFixedDelay((int) UPSTREAM_DELAY.toMillis())));
    }

    @AfterEach
    void stopUpstream() {
        if (upstream != null) {
            upstream.stop();
        }
    }

    @Test
    void answersEveryLookupInFlightAtSigtermThenExitsOnItsOwn() throws Exception {
        try (PackagedService service = PackagedService.start(List.of(), Map.of("OMNIVIBE_BASE_URL", upstream.baseUrl()))) {
            HttpClient client = HttpClient.newHttpClient();
            List<CompletableFuture<HttpResponse<byte[]>>> lookups = new ArrayList<>();
            for (int i = 1; i <= IN_FLIGHT; i++) {
                lookups.add(client.sendAsync(HttpRequest.newBuilder(service.uri(lookup(i))).timeout(Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.ofByteArray()));
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> upstream.findAll(getRequestedFor(urlPathMatching(UPSTREAM_PATH))).size() >= IN_FLIGHT);

            long terminated = System.nanoTime();
            service.terminate();
            await().atMost(Duration.ofSeconds(2)).ignoreExceptions()
                    .until(() -> service.management("/q/health/ready").statusCode() == 503);
            // The load balancer may not have noticed yet: a lookup arriving during the delay is still answered.
            HttpResponse<byte[]> late = service.get(lookup(IN_FLIGHT + 1));
            assertThat(late.statusCode()).isEqualTo(200);

            for (CompletableFuture<HttpResponse<byte[]>> lookup : lookups) {
                HttpResponse<byte[]> answer = lookup.get();
                assertThat(answer.statusCode()).isEqualTo(200);
                assertThat(answer.body()).isEqualTo(CONVERSATION);
            }
            assertThat(service.exitsWithin(BUDGET.plus(SHUTDOWN_DELAY).plusSeconds(2))).as("exits on its own").isTrue();
            Duration tookToExit = Duration.ofNanos(System.nanoTime() - terminated);
            assertThat(tookToExit).as("waited out the shutdown delay").isGreaterThanOrEqualTo(SHUTDOWN_DELAY);
            assertThat(tookToExit).isLessThanOrEqualTo(BUDGET.plus(SHUTDOWN_DELAY).plusSeconds(2));
        }
    }

    private static String lookup(int conversation) {
        return "/inboxes/rollout-inbox/contacts/rollout-contact/conversations/" + conversation;
    }
}

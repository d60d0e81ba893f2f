package io.omnivibe.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.omnivibe.testing.Bodies;
import io.omnivibe.testing.PackagedService;

/**
 * The stale store stays within its byte bound in a small heap: the packaged service with
 * {@code -Xmx128m} keeps answering distinct long conversations, stays live, and when the upstream
 * then fails it serves the copies callers kept looking up. The store keeps what is looked up
 * often (Caffeine's W-TinyLFU): a scan of conversations seen once does not push those out, and the
 * latest conversation is kept once its caller looks it up again.
 */
@Tag("load")
class StaleMemoryIT {

    private static final int CONVERSATIONS = 1200;
    private static final int POLLED = 5000;
    private static final int POLLS = 100;
    private static final byte[] LONG_CONVERSATION = Bodies.largeConversation(400_000);
    private static final String LOOKUP = "/inboxes/small-heap-inbox/contacts/small-heap-contact/conversations/";

    private WireMockServer upstream;

    @BeforeEach
    void longConversations() {
        upstream = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        upstream.start();
        upstream.stubFor(get(urlPathMatching("/public/api/v1/inboxes/.*")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(LONG_CONVERSATION)));
    }

    @AfterEach
    void stopUpstream() {
        if (upstream != null) {
            upstream.stop();
        }
    }

    @Test
    void answersEveryDistinctLongConversationInASmallHeapAndKeepsThoseLookedUpAgain() throws Exception {
        // No cap: one caller scanning 1300 conversations would be held to the cap's pace, and this is about memory.
        try (PackagedService service = PackagedService.start(List.of("-Xmx128m", "-XX:+ExitOnOutOfMemoryError"),
                Map.of("OMNIVIBE_BASE_URL", upstream.baseUrl(), "LOOKUP_UPSTREAM_MAX_CALLS_PER_MINUTE", "0"))) {
            AtomicInteger next = new AtomicInteger(1);
            ExecutorService callers = Executors.newFixedThreadPool(4);
            List<Future<Integer>> answered = callers.invokeAll(List.of(
                    () -> lookUpUntilDone(service, next), () -> lookUpUntilDone(service, next),
                    () -> lookUpUntilDone(service, next), () -> pollWhileOthersScan(service, next)));
            callers.shutdown();
            int ok = 0;
            for (Future<Integer> caller : answered) {
                ok += caller.get();
            }

            assertThat(ok).as("lookups answered 200 with the whole document").isEqualTo(CONVERSATIONS + POLLS);
            assertThat(service.get(LOOKUP + CONVERSATIONS).statusCode()).isEqualTo(200);
            assertThat(service.isAlive()).isTrue();
            assertThat(service.management("/q/health/live").statusCode()).isEqualTo(200);
            String metrics = new String(service.management("/q/metrics").body());
            double staleBytes = metrics.lines().filter(line -> line.startsWith("omnivibe_stale_bytes "))
                    .mapToDouble(line -> Double.parseDouble(line.substring(line.indexOf(' ') + 1))).findFirst().orElseThrow();
            assertThat(staleBytes).isPositive().isLessThanOrEqualTo(128 * 1024 * 1024 / 4);

            upstream.stubFor(get(anyUrl()).atPriority(1).willReturn(aResponse().withStatus(500)));
            for (int conversation : List.of(POLLED, CONVERSATIONS)) {
                HttpResponse<byte[]> stale = service.get(LOOKUP + conversation);
                assertThat(stale.statusCode()).isEqualTo(200);
                assertThat(stale.headers().firstValue("X-Cache")).hasValue("STALE");
                assertThat(stale.body()).isEqualTo(LONG_CONVERSATION);
            }
            assertThat(service.console()).doesNotContain("OutOfMemoryError");
        }
    }

    /** One caller polls its conversation while the others scan; returns how many polls were answered in full. */
    private static int pollWhileOthersScan(PackagedService service, AtomicInteger next) throws Exception {
        int ok = 0;
        for (int poll = 0; poll < POLLS; poll++) {
            HttpResponse<byte[]> answer = service.get(LOOKUP + POLLED);
            if (answer.statusCode() == 200 && answer.body().length == LONG_CONVERSATION.length) {
                ok++;
            }
        }
        return ok + lookUpUntilDone(service, next);
    }

    /** Looks up conversations by ascending number until all are taken; returns how many were answered in full. */
    private static int lookUpUntilDone(PackagedService service, AtomicInteger next) throws Exception {
        int ok = 0;
        for (int id = next.getAndIncrement(); id <= CONVERSATIONS; id = next.getAndIncrement()) {
            HttpResponse<byte[]> answer = service.get(LOOKUP + id);
            if (answer.statusCode() == 200 && answer.body().length == LONG_CONVERSATION.length) {
                ok++;
            }
        }
        return ok;
    }
}

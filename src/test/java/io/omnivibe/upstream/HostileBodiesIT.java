package io.omnivibe.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.omnivibe.testing.Bodies;
import io.omnivibe.testing.HostileUpstream;
import io.omnivibe.testing.HostileUpstream.Conversation;
import io.omnivibe.testing.HostileUpstream.Declaring;
import io.omnivibe.testing.HostileUpstream.Endless;
import io.omnivibe.testing.HostileUpstream.Stalling;
import io.omnivibe.testing.PackagedService;

/**
 * The packaged service (JVM with a 128 MB heap, or native) against an upstream whose bodies are
 * too large, never end, or trickle: each lookup gets a fast, described answer (502 or 503
 * problem+json, or the last good copy), the service closes those connections instead of draining
 * them, and the process lives on and answers ordinary lookups.
 */
class HostileBodiesIT {

    private static final String LOOKUP = "/inboxes/hostile-inbox/contacts/hostile-contact/conversations/";
    private static final String TOO_LARGE = "urn:omnivibe-lookup:problem:upstream-body-too-large";
    private static final long THREE_HUNDRED_MB = 300L * 1024 * 1024;
    private static final byte[] SIX_MB = Bodies.largeConversation(6 * 1024 * 1024);
    private static final byte[] SMALL = Bodies.largeConversation(15_000);

    private static HostileUpstream upstream;
    private static PackagedService service;

    @BeforeAll
    static void start() throws Exception {
        upstream = new HostileUpstream();
        service = PackagedService.start(List.of("-Xmx128m", "-XX:+ExitOnOutOfMemoryError"),
                Map.of("OMNIVIBE_BASE_URL", upstream.baseUrl()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (service != null) {
            service.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void refusesADeclaredLengthOverTheBoundBeforeReadingIt() throws Exception {
        upstream.serve(1, new Declaring(THREE_HUNDRED_MB));

        assertTooLarge(service.get(LOOKUP + 1));
        assertClosedEarly(1);
        assertStillServing();
    }

    @Test
    void stopsReadingAnUndeclaredBodyAtTheBound() throws Exception {
        upstream.serve(2, new Endless(8 * 1024, Duration.ZERO));

        assertTooLarge(service.get(LOOKUP + 2));
        assertClosedEarly(2);
        assertStillServing();
    }

    @Test
    void givesUpOnABodyThatTricklesAByteEvery100Milliseconds() throws Exception {
        upstream.serve(3, new Endless(1, Duration.ofMillis(100)));

        long started = System.nanoTime();
        HttpResponse<byte[]> answer = service.get(LOOKUP + 3);

        assertThat(answer.statusCode()).isEqualTo(504);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
        assertClosedEarly(3);
        assertStillServing();
    }

    @Test
    void answersASixMegabyteConversationWhole() throws Exception {
        upstream.serve(4, new Conversation(SIX_MB));

        HttpResponse<byte[]> answer = service.get(LOOKUP + 4);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo(SIX_MB);
    }

    @Test
    void answersTwentySixMegabyteConversationsAtOnceWithinTheHeap() throws Exception {
        List<Callable<HttpResponse<byte[]>>> lookups = new ArrayList<>();
        for (long conversation = 100; conversation < 120; conversation++) {
            upstream.serve(conversation, new Conversation(SIX_MB));
            long id = conversation;
            lookups.add(() -> service.get(LOOKUP + id));
        }
        ExecutorService callers = Executors.newFixedThreadPool(lookups.size());
        List<Future<HttpResponse<byte[]>>> answers = callers.invokeAll(lookups);
        callers.shutdown();

        int whole = 0;
        for (Future<HttpResponse<byte[]>> future : answers) {
            HttpResponse<byte[]> answer = future.get();
            if (answer.statusCode() == 200) {
                assertThat(answer.body()).isEqualTo(SIX_MB);
                whole++;
            } else {
                assertThat(answer.statusCode()).isIn(502, 503);
                assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            }
        }
        assertThat(whole).as("conversations answered whole").isPositive();
        assertStillServing();
    }

    @Test
    void servesTheLastGoodCopyOfAConversationThatGrewPastTheBound() throws Exception {
        upstream.serve(5, new Conversation(SMALL), new Endless(8 * 1024, Duration.ZERO));
        assertThat(service.get(LOOKUP + 5).statusCode()).isEqualTo(200);

        HttpResponse<byte[]> grown = service.get(LOOKUP + 5);

        assertThat(grown.statusCode()).isEqualTo(200);
        assertThat(grown.headers().firstValue("X-Cache")).hasValue("STALE");
        assertThat(grown.body()).isEqualTo(SMALL);
    }

    @Test
    void countsAndLogsATooLargeBodyAsItsOwnOutcomeWithoutIdentifiers() throws Exception {
        upstream.serve(6, new Declaring(THREE_HUNDRED_MB));

        assertTooLarge(service.get(LOOKUP + 6));

        String metrics = new String(service.management("/q/metrics").body(), StandardCharsets.UTF_8);
        assertThat(metrics).containsPattern("omnivibe_lookups_seconds_count\\{outcome=\"body_too_large\",status=\"502\"\\} [1-9]");
        assertThat(metrics).containsPattern("omnivibe_upstream_attempts_seconds_count\\{result=\"body_too_large\"\\} [1-9]");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(service.console()).contains("outcome=body_too_large status=502"));
        assertThat(service.console()).doesNotContain("hostile-inbox").doesNotContain("hostile-contact");
    }

    @Test
    void refusesABodyTheBudgetOfBodiesInFlightCannotHoldAndGivesTheBudgetBack() throws Exception {
        try (PackagedService small = PackagedService.start(List.of("-Xmx128m", "-XX:+ExitOnOutOfMemoryError"),
                Map.of("OMNIVIBE_BASE_URL", upstream.baseUrl(), "LOOKUP_UPSTREAM_MAX_BYTES_IN_FLIGHT", "1048576",
                        "LOOKUP_UPSTREAM_MAX_BODY_BYTES", "524288", "LOOKUP_RETRY_MAX_RETRIES", "0"))) {
            upstream.serve(7, new Stalling(520_000));
            upstream.serve(70, new Stalling(520_000));
            upstream.serve(8, new Conversation(SMALL));
            ExecutorService callers = Executors.newFixedThreadPool(2);
            Future<HttpResponse<byte[]>> stalled = callers.submit(() -> small.get(LOOKUP + 7));
            Future<HttpResponse<byte[]>> alsoStalled = callers.submit(() -> small.get(LOOKUP + 70));
            callers.shutdown();
            await().atMost(Duration.ofSeconds(10)).until(() -> bytesInFlight(small) >= 1_040_000);

            HttpResponse<byte[]> refused = small.get(LOOKUP + 8);

            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(new String(refused.body(), StandardCharsets.UTF_8)).contains("urn:omnivibe-lookup:problem:upstream-body-budget");
            assertThat(stalled.get().statusCode()).as("the stalled body's attempt times out").isEqualTo(504);
            assertThat(alsoStalled.get().statusCode()).isEqualTo(504);
            assertThat(bytesInFlight(small)).as("its bytes are given back").isZero();
            assertThat(small.get(LOOKUP + 8).statusCode()).isEqualTo(200);
        }
    }

    private static double bytesInFlight(PackagedService service) throws Exception {
        return new String(service.management("/q/metrics").body(), StandardCharsets.UTF_8).lines()
                .filter(line -> line.startsWith("omnivibe_upstream_bodies_in_flight_bytes "))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.indexOf(' ') + 1))).findFirst().orElseThrow();
    }

    private static void assertTooLarge(HttpResponse<byte[]> answer) {
        assertThat(answer.statusCode()).isEqualTo(502);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(new String(answer.body(), StandardCharsets.UTF_8)).contains(TOO_LARGE);
    }

    /** The upstream saw the connection closed before the body's end, and had written far less than it offered. */
    private static void assertClosedEarly(long conversation) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(upstream.answers(conversation)).isNotEmpty()
                .allSatisfy(answer -> {
                    assertThat(answer.closedByPeer()).as("closed by the service").isTrue();
                    assertThat(answer.bodyBytesWritten()).isLessThan(64L * 1024 * 1024);
                }));
    }

    private void assertStillServing() throws Exception {
        upstream.serve(9_999, new Conversation(SMALL));
        assertThat(service.isAlive()).isTrue();
        assertThat(service.management("/q/health/live").statusCode()).isEqualTo(200);
        HttpResponse<byte[]> ordinary = service.get(LOOKUP + 9_999);
        assertThat(ordinary.statusCode()).isEqualTo(200);
        assertThat(ordinary.body()).isEqualTo(SMALL);
    }
}

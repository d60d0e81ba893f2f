package io.omnivibe.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.omnivibe.testing.Bodies;
import io.omnivibe.testing.Callers;
import io.omnivibe.testing.EmbeddedRedis;
import io.omnivibe.testing.Fleet;
import io.omnivibe.testing.OmnivibeStub;
import io.omnivibe.testing.PackagedService;
import io.omnivibe.testing.TestConversation;

/**
 * Several packaged instances (JVM or native) naming one real Redis, in front of an upstream that
 * counts its calls: one cap for the fleet, kept under load while Redis is slow, copies fetched by one instance served by the others and
 * by one started later, the freshness window across instances, nothing readable in Redis, and
 * lookups that go on when Redis dies, stalls or turns read-only.
 */
class FleetIT {

    /** Text in the conversation that must never show in Redis. */
    private static final String SECRET_WORDS = "the-launch-code-is-0000";
    private static final byte[] CONVERSATION = ("{\"id\":7,\"messages\":[{\"content\":\"" + SECRET_WORDS + "\"}],"
            + "\"contact_last_seen_at\":0,\"status\":\"open\"}").getBytes(StandardCharsets.UTF_8);

    private static final String REDIS_TIME_LIMIT = "LOOKUP_SHARED_TIMEOUT_MS";
    /** Production's limit on one Redis operation: the tests of Redis trouble need it, the others give Redis 2 s. */
    private static final String PRODUCTION_REDIS_TIME_LIMIT_MS = "50";

    private static EmbeddedRedis redis;
    private WireMockServer upstream;
    private Fleet fleet;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = EmbeddedRedis.start();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.close();
    }

    @BeforeEach
    void healthyUpstream() {
        redis.flush();
        upstream = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        upstream.start();
        fleet = new Fleet(upstream, redis);
        upstream.stubFor(get(urlPathMatching("/public/api/v1/inboxes/.*")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(CONVERSATION)));
    }

    @AfterEach
    void stopAll() throws Exception {
        fleet.close();
        upstream.stop();
    }

    @Test
    void threeInstancesSpendOneCapBetweenThem() throws Exception {
        // A caller of its own for each lookup (named by a header), so that the fleet's cap, not a
        // caller's share of an instance's pace, is what is reached.
        List<PackagedService> instances = startFleet(3, Map.of("LOOKUP_UPSTREAM_MAX_CALLS_PER_MINUTE", "30",
                "LOOKUP_CALLERS_HEADER", "X-Caller"));
        TestConversation conversation = TestConversation.fresh();
        int answered = 0;
        int refused = 0;
        for (int id = 1; id <= 60; id++) {
            HttpResponse<byte[]> response = instances.get(id % 3).get(conversationPath(conversation, id), Map.of("X-Caller", "caller-" + id));
            if (response.statusCode() == 200) {
                answered++;
            } else {
                assertThat(response.statusCode()).isEqualTo(503);
                assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("upstream-call-limit");
                assertThat(response.headers().firstValue("Retry-After")).isPresent();
                refused++;
            }
        }

        assertThat(upstreamCalls()).isEqualTo(30);
        assertThat(answered).isEqualTo(30);
        assertThat(refused).isEqualTo(30);
    }

    @Test
    void aCopyFetchedByOneInstanceIsServedByAnotherAndByOneStartedAfterIt() throws Exception {
        List<PackagedService> instances = startFleet(2, Map.of());
        String path = TestConversation.fresh().lookupPath();
        assertThat(instances.get(0).get(path).statusCode()).isEqualTo(200);

        upstream.stubFor(get(anyUrl()).atPriority(1).willReturn(aResponse().withStatus(500)));
        HttpResponse<byte[]> fromAnother = instances.get(1).get(path);
        assertThat(fromAnother.statusCode()).isEqualTo(200);
        assertThat(fromAnother.headers().firstValue("X-Cache")).hasValue("STALE");
        assertThat(fromAnother.body()).isEqualTo(CONVERSATION);

        HttpResponse<byte[]> fromALaterOne = startFleet(1, Map.of()).get(0).get(path);
        assertThat(fromALaterOne.statusCode()).isEqualTo(200);
        assertThat(fromALaterOne.headers().firstValue("X-Cache")).hasValue("STALE");
        assertThat(fromALaterOne.body()).isEqualTo(CONVERSATION);
        assertThat(fromALaterOne.headers().firstValue("ETag")).isEqualTo(fromAnother.headers().firstValue("ETag"));
    }

    @Test
    void aConversationFetchedWithinTheFreshnessWindowCostsTheFleetOneCall() throws Exception {
        List<PackagedService> instances = startFleet(3, Map.of("LOOKUP_FRESH_FOR_MS", "60000"));
        String path = TestConversation.fresh().lookupPath();
        HttpResponse<byte[]> fetched = instances.get(0).get(path);
        assertThat(fetched.headers().firstValue("X-Cache")).isEmpty();
        // The copy is written to Redis just after the answer.
        await().atMost(Duration.ofSeconds(10)).until(() -> redis.keys().stream().anyMatch(key -> key.contains(":copy:")));

        for (PackagedService instance : instances) {
            for (int poll = 0; poll < 3; poll++) {
                HttpResponse<byte[]> recent = instance.get(path);
                assertThat(recent.statusCode()).isEqualTo(200);
                assertThat(recent.headers().firstValue("X-Cache")).hasValue("HIT");
                assertThat(recent.headers().firstValue("Age")).isPresent();
                assertThat(recent.body()).isEqualTo(CONVERSATION);
            }
        }
        assertThat(upstreamCalls()).isEqualTo(1);
    }

    @Test
    void aConversationTheUpstreamDoesNotHaveCostsTheFleetOneCallWithinTheWindow() throws Exception {
        List<PackagedService> instances = startFleet(3, Map.of("LOOKUP_FRESH_FOR_MS", "60000"));
        TestConversation missing = TestConversation.fresh();
        upstream.stubFor(OmnivibeStub.missing(missing));
        assertThat(instances.get(0).get(missing.lookupPath()).statusCode()).isEqualTo(404);
        await().atMost(Duration.ofSeconds(10)).until(() -> redis.keys().stream().anyMatch(key -> key.contains(":copy:")));

        for (PackagedService instance : instances) {
            for (int poll = 0; poll < 3; poll++) {
                HttpResponse<byte[]> remembered = instance.get(missing.lookupPath());
                assertThat(remembered.statusCode()).isEqualTo(404);
                assertThat(remembered.headers().firstValue("X-Cache")).hasValue("HIT");
                assertThat(new String(remembered.body(), StandardCharsets.UTF_8)).contains("conversation-not-found");
            }
        }
        assertThat(upstreamCalls()).isEqualTo(1);
    }

    @Test
    void redisHoldsNeitherWhoAskedNorWhatWasSaid() throws Exception {
        PackagedService instance = startFleet(1, Map.of()).get(0);
        List<TestConversation> conversations = List.of(TestConversation.fresh(), TestConversation.fresh());
        for (TestConversation conversation : conversations) {
            assertThat(instance.get(conversation.lookupPath()).statusCode()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> redis.keys().stream().filter(key -> key.contains(":copy:")).count() == 2);

        for (String key : redis.keys()) {
            String value = key.contains(":copy:") ? new String(redis.value(key), StandardCharsets.ISO_8859_1) : "";
            for (TestConversation conversation : conversations) {
                for (String identifier : List.of(conversation.inboxIdentifier(), conversation.contactIdentifier(),
                        String.valueOf(conversation.conversationId()))) {
                    assertThat(key).doesNotContain(identifier);
                    assertThat(value).doesNotContain(identifier);
                }
            }
            assertThat(value).doesNotContain(SECRET_WORDS).doesNotContain("messages");
        }
    }

    /** Over lookup.shared.max-document-bytes (256 KiB), under the body bound and a sixteenth of the stale store. */
    @Test
    void aConversationOverTheSharedBoundIsServedAndKeptInProcessButNotInRedis() throws Exception {
        List<PackagedService> instances = startFleet(2, Map.of());
        byte[] large = Bodies.largeConversation(1024 * 1024);
        TestConversation conversation = TestConversation.fresh();
        upstream.stubFor(get(urlPathMatching(".*/conversations/1")).atPriority(2).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(large)));
        assertThat(instances.get(0).get(conversationPath(conversation, 1)).body()).isEqualTo(large);
        assertThat(instances.get(0).get(conversationPath(conversation, 2)).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> redis.keys().stream().filter(key -> key.contains(":copy:")).count() == 1);

        upstream.stubFor(get(anyUrl()).atPriority(1).willReturn(aResponse().withStatus(500)));
        assertThat(instances.get(1).get(conversationPath(conversation, 1)).statusCode()).as("no copy in the fleet").isEqualTo(502);
        HttpResponse<byte[]> kept = instances.get(0).get(conversationPath(conversation, 1));
        assertThat(kept.statusCode()).isEqualTo(200);
        assertThat(kept.headers().firstValue("X-Cache")).hasValue("STALE");
        assertThat(kept.body()).isEqualTo(large);
    }

    @Test
    void aCopyThatDoesNotOpenIsNeverServed() throws Exception {
        List<PackagedService> instances = startFleet(2, Map.of());
        String path = TestConversation.fresh().lookupPath();
        assertThat(instances.get(0).get(path).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> redis.keys().stream().anyMatch(key -> key.contains(":copy:")));
        String key = redis.keys().stream().filter(name -> name.contains(":copy:")).findFirst().orElseThrow();
        byte[] tampered = redis.value(key);
        tampered[tampered.length / 2] ^= 1;
        redis.put(key, tampered);

        upstream.stubFor(get(anyUrl()).atPriority(1).willReturn(aResponse().withStatus(500)));
        assertThat(instances.get(1).get(path).statusCode()).isEqualTo(502);
        assertThat(instances.get(1).metric("omnivibe_shared_copies_rejected_total")).isEqualTo(1.0);
    }

    @Test
    void lookupsGoOnWhileRedisIsDownAndShareAgainWhenItIsBack() throws Exception {
        PackagedService instance = startFleet(1, Map.of(REDIS_TIME_LIMIT, PRODUCTION_REDIS_TIME_LIMIT_MS)).get(0);
        TestConversation conversation = TestConversation.fresh();
        assertThat(instance.get(conversationPath(conversation, 1)).statusCode()).isEqualTo(200);
        assertThat(instance.readiness()).contains("\"state\":\"reachable\"");

        redis.kill();
        try {
            for (int id = 2; id <= 20; id++) {
                long started = System.nanoTime();
                HttpResponse<byte[]> response = instance.get(conversationPath(conversation, id));
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.headers().firstValue("X-Cache")).isEmpty();
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
            }
            String health = instance.readiness();
            assertThat(health).contains("\"status\":\"UP\"").contains("\"state\":\"unreachable\"");
            assertThat(instance.metric("omnivibe_shared_store_state", "state=\"unreachable\"")).isEqualTo(1.0);
            // Log lines reach the console within a tenth of a second (observability.BatchedLogWrites).
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                    instance.console().lines().filter(line -> line.contains("Shared store (Redis) unreachable"))).hasSize(1));
        } finally {
            redis.restart();
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            instance.get(conversationPath(conversation, 1));
            return instance.readiness().contains("\"state\":\"reachable\"");
        });
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(instance.console()).contains("Shared store (Redis) reachable again"));
        assertThat(instance.metric("omnivibe_shared_store_state", "state=\"reachable\"")).isEqualTo(1.0);
    }

    @Test
    void aRedisTurnedReadOnlyPutsTheFleetOnItsOfflineAllowanceAndIsSharedAgainOnceItTakesWrites() throws Exception {
        List<PackagedService> instances = startFleet(2, Map.of("LOOKUP_UPSTREAM_MAX_CALLS_PER_MINUTE", "600",
                REDIS_TIME_LIMIT, PRODUCTION_REDIS_TIME_LIMIT_MS));
        TestConversation conversation = TestConversation.fresh();
        assertThat(instances.get(0).get(conversationPath(conversation, 1)).statusCode()).isEqualTo(200);

        redis.readOnly();
        try {
            for (int id = 2; id <= 41; id++) {
                long started = System.nanoTime();
                HttpResponse<byte[]> response = instances.get(id % 2).get(conversationPath(conversation, id));
                assertThat(response.statusCode()).as("lookup %d", id).isEqualTo(200);
                // Within the budget (5 s), which a lookup waiting for a lease Redis cannot grant would spend whole.
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
            }
            assertThat(upstreamCalls()).isEqualTo(41);
            for (PackagedService instance : instances) {
                assertThat(instance.readiness()).contains("\"status\":\"UP\"").contains("\"state\":\"unreachable\"");
                assertThat(instance.metric("omnivibe_shared_store_state", "state=\"unreachable\"")).isEqualTo(1.0);
                // One line says why, however many operations Redis refuses; none of them is an error of the service's.
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(instance.console().lines()
                        .filter(line -> line.contains("Shared store (Redis) answers with errors") && line.contains("READONLY"))).hasSize(1));
                assertThat(instance.console()).doesNotContain("ERROR");
            }
        } finally {
            redis.writable();
        }
        for (PackagedService instance : instances) {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                instance.get(conversationPath(conversation, 1));
                return instance.readiness().contains("\"state\":\"reachable\"");
            });
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(instance.console()).contains("Shared store (Redis) reachable again"));
        }
    }

    @Test
    void underLoadWithRedisSlowTheFleetKeepsToItsCapAndSpendsNoOfflineAllowance() throws Exception {
        // Leases of up to 5 permits (a 120th of the cap), and an offline allowance that alone
        // would let each instance make the fleet's whole minute: were slow taken for lost, the
        // three would pass the cap.
        int cap = 600;
        List<PackagedService> instances = startFleet(3, Map.of("LOOKUP_UPSTREAM_MAX_CALLS_PER_MINUTE", String.valueOf(cap),
                "LOOKUP_SHARED_OFFLINE_CALLS_PER_MINUTE", String.valueOf(cap), REDIS_TIME_LIMIT, PRODUCTION_REDIS_TIME_LIMIT_MS));
        AtomicLong conversations = new AtomicLong();
        List<Callers.Answer> answers = new ArrayList<>();
        // Redis asleep 150 ms in every 300, three times production's limit on one operation,
        // while six callers per instance keep both cores busy.
        ScheduledExecutorService slowRedis = Executors.newSingleThreadScheduledExecutor();
        slowRedis.scheduleAtFixedRate(() -> redis.stall(Duration.ofMillis(150)), 0, 300, TimeUnit.MILLISECONDS);
        try {
            List<CompletableFuture<List<Callers.Answer>>> traffic = new ArrayList<>();
            for (PackagedService instance : instances) {
                traffic.add(new Callers(TestConversation.fresh(), instance.uri("/"))
                        .runAsync(6, Duration.ofSeconds(12), conversations::incrementAndGet));
            }
            for (CompletableFuture<List<Callers.Answer>> callers : traffic) {
                answers.addAll(callers.get(2, TimeUnit.MINUTES));
            }
        } finally {
            slowRedis.shutdownNow();
        }

        // The run is shorter than a minute: every call it made is in one 60 s.
        assertThat(upstreamCalls()).isLessThanOrEqualTo(cap).isGreaterThan(cap / 2);
        assertThat(answers).allSatisfy(answer -> {
            assertThat(answer.status()).isIn(200, 503);
            // The budget is 5 s: a lookup waits for its permit within it.
            assertThat(answer.took()).isLessThan(Duration.ofSeconds(7));
        });
        assertThat(answers).filteredOn(answer -> answer.status() == 503).isNotEmpty();
        double capOperations = 0;
        for (PackagedService instance : instances) {
            capOperations += instance.metric("omnivibe_shared_operations_seconds_count", "operation=\"cap\"");
            assertThat(instance.metric("omnivibe_shared_operations_seconds_count", "operation=\"cap\"", "result=\"skipped\"")).isZero();
            assertThat(instance.console()).doesNotContain("Shared store (Redis) unreachable");
            assertThat(instance.readiness()).contains("\"state\":\"reachable\"");
        }
        // Permits come in leases: fewer requests to Redis than calls, refusals included.
        assertThat(capOperations).isLessThan(upstreamCalls());
    }

    @Test
    void cutOffFromRedisEachInstanceAllowsItselfOnlyTheOfflineCap() throws Exception {
        List<PackagedService> instances = startFleet(3, Map.of("LOOKUP_SHARED_OFFLINE_CALLS_PER_MINUTE", "5",
                REDIS_TIME_LIMIT, PRODUCTION_REDIS_TIME_LIMIT_MS));
        TestConversation conversation = TestConversation.fresh();
        redis.kill();
        try {
            for (PackagedService instance : instances) {
                int answered = 0;
                for (int id = 1; id <= 10; id++) {
                    HttpResponse<byte[]> response = instance.get(conversationPath(conversation, instances.indexOf(instance) * 100 + id));
                    if (response.statusCode() == 200) {
                        answered++;
                    } else {
                        assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("upstream-call-limit");
                    }
                }
                assertThat(answered).isEqualTo(5);
            }
            assertThat(upstreamCalls()).isEqualTo(15);
        } finally {
            redis.restart();
        }
    }

    @Test
    void aStalledRedisCostsALookupNoMoreThanItsTimeLimit() throws Exception {
        PackagedService instance = startFleet(1, Map.of("LOOKUP_FRESH_FOR_MS", "1", REDIS_TIME_LIMIT, PRODUCTION_REDIS_TIME_LIMIT_MS)).get(0);
        TestConversation conversation = TestConversation.fresh();
        assertThat(instance.get(conversationPath(conversation, 1)).statusCode()).isEqualTo(200);

        redis.stall(Duration.ofSeconds(8));
        try {
            for (int id = 2; id <= 6; id++) {
                long started = System.nanoTime();
                HttpResponse<byte[]> response = instance.get(conversationPath(conversation, id));
                assertThat(response.statusCode()).isEqualTo(200);
                // The budget is 5 s: a lookup waiting on Redis would take the whole 8 s.
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
            }
        } finally {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> redis.keys() != null);
        }
        assertThat(upstreamCalls()).isEqualTo(6);
    }

    private List<PackagedService> startFleet(int instances, Map<String, String> settings) throws Exception {
        Map<String, String> environment = new HashMap<>();
        // Redis gets 2 s: on a busy machine a read or write past production's limit would be
        // skipped, and most tests here are about what is shared.
        environment.put(REDIS_TIME_LIMIT, "2000");
        environment.putAll(settings);
        return fleet.start(instances, environment);
    }

    private static String conversationPath(TestConversation conversation, long id) {
        return "/inboxes/" + conversation.inboxIdentifier() + "/contacts/" + conversation.contactIdentifier() + "/conversations/" + id;
    }

    private long upstreamCalls() {
        return upstream.countRequestsMatching(anyRequestedFor(anyUrl()).build()).getCount();
    }
}

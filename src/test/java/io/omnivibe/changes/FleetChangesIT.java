package io.omnivibe.changes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.omnivibe.testing.ChatwootConversation;
import io.omnivibe.testing.ChatwootDeliveries;
import io.omnivibe.testing.EmbeddedRedis;
import io.omnivibe.testing.OmnivibeStub;
import io.omnivibe.testing.PackagedService;
import io.omnivibe.testing.Fleet;

/**
 * Three packaged instances (JVM or native) naming one real Redis, with webhooks and an hour's
 * freshness window: a change delivered to one instance is read again by every instance, a
 * conversation nobody writes to costs the fleet one upstream call, and an instance that stops
 * hearing the fleet's changes (Redis gone, or read-only) serves copies only within the short window
 * until it hears them again.
 */
class FleetChangesIT {

    private static final String WEBHOOK_SECRET = "Xk3v9QpL7mZt2RwB8nYc4HsD";
    private static final Duration HEARD_WITHIN = Duration.ofSeconds(5);

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
    void startUpstream() {
        redis.flush();
        upstream = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        upstream.start();
        fleet = new Fleet(upstream, redis);
    }

    @AfterEach
    void stopAll() throws Exception {
        fleet.close();
        upstream.stop();
    }

    @Test
    void aChangeDeliveredToOneInstanceIsReadAgainByEveryInstance() throws Exception {
        List<PackagedService> instances = startFleet(3, Map.of());
        ChatwootConversation conversation = ChatwootConversation.fresh();
        upstream.stubFor(OmnivibeStub.answering(conversation.address(), conversation.document("hello")));
        for (PackagedService instance : instances) {
            for (int poll = 0; poll < 5; poll++) {
                assertThat(lookUp(instance, conversation).statusCode()).isEqualTo(200);
            }
        }
        assertThat(upstreamCalls(conversation)).isEqualTo(1);

        upstream.stubFor(OmnivibeStub.answering(conversation.address(), conversation.document("a new message")));
        HttpResponse<byte[]> delivered = deliver(instances.get(0), conversation.messageCreated("a new message"));
        assertThat(delivered.statusCode()).isEqualTo(200);
        assertThat(text(delivered)).contains("applied");

        for (PackagedService instance : instances) {
            await().atMost(HEARD_WITHIN).until(() -> text(lookUp(instance, conversation)).contains("a new message"));
        }
        long callsAfterTheChange = upstreamCalls(conversation);
        assertThat(callsAfterTheChange).isBetween(2L, 4L);
        for (PackagedService instance : instances) {
            HttpResponse<byte[]> polled = lookUp(instance, conversation);
            assertThat(text(polled)).contains("a new message");
            assertThat(polled.headers().firstValue("X-Cache")).hasValue("HIT");
        }
        assertThat(upstreamCalls(conversation)).isEqualTo(callsAfterTheChange);
        assertThat(instances.get(0).metric("omnivibe_changes_published_total", "result=\"published\"")).isEqualTo(1.0);
    }

    @Test
    void withRedisTurnedReadOnlyAChangeOneInstanceCannotPublishIsStillReadAgainByTheOthers() throws Exception {
        // The default short window (5 s): once an instance cannot vouch for its copies, they last that long.
        List<PackagedService> instances = startFleet(2, Map.of());
        ChatwootConversation conversation = ChatwootConversation.fresh();
        upstream.stubFor(OmnivibeStub.answering(conversation.address(), conversation.document("hello")));
        lookUp(instances.get(1), conversation);
        assertThat(lookUp(instances.get(1), conversation).headers().firstValue("X-Cache")).hasValue("HIT");

        redis.readOnly();
        try {
            upstream.stubFor(OmnivibeStub.answering(conversation.address(), conversation.document("a new message")));
            HttpResponse<byte[]> delivered = deliver(instances.get(0), conversation.messageCreated("a new message"));
            assertThat(delivered.statusCode()).isEqualTo(200);
            // The replica passes plain publishes and subscriptions, but not the change: the instance
            // that only serves hits must stop vouching for them, not answer the old document for the hour.
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                    .until(() -> text(lookUp(instances.get(1), conversation)).contains("a new message"));
            assertThat(instances.get(1).readiness()).contains("\"changes\":\"lost\"").contains("\"state\":\"unreachable\"");
            // Subscribing to the replica succeeds again and again, but hears nothing: one WARN line, not one a subscription.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(instances.get(1).console().lines()
                    .filter(line -> line.contains("Not hearing the fleet's changes"))).hasSize(1));
        } finally {
            redis.writable();
        }
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).until(() -> {
            lookUp(instances.get(1), conversation);
            return instances.get(1).readiness().contains("\"changes\":\"listening\"");
        });
    }

    @Test
    void theSameDeliveryReplayedToAnotherInstanceIsNotPublishedAgain() throws Exception {
        List<PackagedService> instances = startFleet(2, Map.of());
        ChatwootConversation conversation = ChatwootConversation.fresh();
        String event = conversation.messageCreated("once");
        long now = System.currentTimeMillis() / 1000;
        Map<String, String> headers = Map.of("Content-Type", "application/json",
                "X-Chatwoot-Timestamp", Long.toString(now),
                "X-Chatwoot-Signature", ChatwootDeliveries.signature(WEBHOOK_SECRET, Long.toString(now), event));

        assertThat(instances.get(0).post(ChatwootDeliveries.PATH, headers, event.getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(200);
        assertThat(instances.get(1).post(ChatwootDeliveries.PATH, headers, event.getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(200);

        await().atMost(HEARD_WITHIN).until(() -> instances.get(1).metric("omnivibe_changes_published_total", "result=\"duplicate\"") == 1.0);
        assertThat(instances.get(0).metric("omnivibe_changes_published_total", "result=\"published\"")).isEqualTo(1.0);
        assertThat(instances.get(1).metric("omnivibe_changes_published_total", "result=\"published\"")).isZero();
    }

    @Test
    void aDeliveryOneInstanceCannotReadLeavesEveryInstancesEarlierCopiesToBeReadAgain() throws Exception {
        // A short window of 0: a copy no webhook can vouch for is never answered without the upstream.
        List<PackagedService> instances = startFleet(2, Map.of("LOOKUP_WEBHOOKS_FALLBACK_FRESH_FOR_MS", "0"));
        ChatwootConversation conversation = ChatwootConversation.fresh();
        upstream.stubFor(OmnivibeStub.answering(conversation.address(), conversation.document("hello")));
        lookUp(instances.get(1), conversation);
        assertThat(lookUp(instances.get(1), conversation).headers().firstValue("X-Cache")).hasValue("HIT");

        // A stranger's delivery proves nothing and changes nothing, on any instance.
        String event = conversation.messageCreated("signed with another secret");
        long now = System.currentTimeMillis() / 1000;
        HttpResponse<byte[]> forged = instances.get(0).post(ChatwootDeliveries.PATH, Map.of("Content-Type", "application/json",
                "X-Chatwoot-Timestamp", Long.toString(now),
                "X-Chatwoot-Signature", ChatwootDeliveries.signature("another-secret-of-24-chars", Long.toString(now), event)),
                event.getBytes(StandardCharsets.UTF_8));
        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(lookUp(instances.get(1), conversation).headers().firstValue("X-Cache")).hasValue("HIT");

        // Chatwoot's, proven, but not an event this release reads: whatever it said is lost.
        String unreadable = "{\"event\":\"message_created\",";
        HttpResponse<byte[]> refused = instances.get(0).post(ChatwootDeliveries.PATH, Map.of("Content-Type", "application/json",
                "X-Chatwoot-Timestamp", Long.toString(now),
                "X-Chatwoot-Signature", ChatwootDeliveries.signature(WEBHOOK_SECRET, Long.toString(now), unreadable)),
                unreadable.getBytes(StandardCharsets.UTF_8));
        assertThat(refused.statusCode()).isEqualTo(400);

        await().atMost(HEARD_WITHIN).until(() -> lookUp(instances.get(1), conversation).headers().firstValue("X-Cache").isEmpty());
        assertThat(lookUp(instances.get(1), conversation).headers().firstValue("X-Cache")).hasValue("HIT");
        assertThat(upstreamCalls(conversation)).isEqualTo(2);
    }

    @Test
    void anInstanceThatStopsHearingTheFleetServesCopiesOnlyWithinTheShortWindow() throws Exception {
        // A short window of 0: a copy no webhook can vouch for is never answered without the upstream.
        PackagedService instance = startFleet(1, Map.of("LOOKUP_WEBHOOKS_FALLBACK_FRESH_FOR_MS", "0")).get(0);
        ChatwootConversation conversation = ChatwootConversation.fresh();
        upstream.stubFor(OmnivibeStub.answering(conversation.address(), conversation.document("hello")));
        lookUp(instance, conversation);
        assertThat(lookUp(instance, conversation).headers().firstValue("X-Cache")).hasValue("HIT");

        redis.kill();
        await().atMost(HEARD_WITHIN).until(() -> instance.readiness().contains("\"changes\":\"lost\""));
        assertThat(instance.metric("omnivibe_changes_feed_listening")).isZero();
        HttpResponse<byte[]> whileLost = lookUp(instance, conversation);
        assertThat(whileLost.statusCode()).isEqualTo(200);
        assertThat(whileLost.headers().firstValue("X-Cache")).isEmpty();
        assertThat(upstreamCalls(conversation)).isEqualTo(2);

        redis.restart();
        await().atMost(HEARD_WITHIN).until(() -> instance.readiness().contains("\"changes\":\"listening\""));
        assertThat(instance.metric("omnivibe_changes_feed_listening")).isEqualTo(1.0);
        // Fetched before it listened again: a change meanwhile could have gone unheard.
        assertThat(lookUp(instance, conversation).headers().firstValue("X-Cache")).isEmpty();
        assertThat(lookUp(instance, conversation).headers().firstValue("X-Cache")).hasValue("HIT");
        assertThat(upstreamCalls(conversation)).isEqualTo(3);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(instance.console())
                .contains("Not hearing the fleet's changes").contains("Hearing the fleet's changes"));
    }

    private List<PackagedService> startFleet(int instances, Map<String, String> settings) throws Exception {
        Map<String, String> environment = new HashMap<>();
        environment.put("LOOKUP_SHARED_TIMEOUT_MS", "2000");
        environment.put("LOOKUP_FRESH_FOR_MS", "3600000");
        environment.put("LOOKUP_STALE_MAX_AGE_MS", "3600000");
        environment.put("LOOKUP_WEBHOOKS_SECRET", WEBHOOK_SECRET);
        environment.putAll(settings);
        List<PackagedService> started = fleet.start(instances, environment);
        for (PackagedService instance : started) {
            await().atMost(HEARD_WITHIN).until(() -> instance.readiness().contains("\"changes\":\"listening\""));
        }
        return started;
    }

    private static HttpResponse<byte[]> lookUp(PackagedService instance, ChatwootConversation conversation) throws Exception {
        return instance.get(conversation.address().lookupPath());
    }

    private static HttpResponse<byte[]> deliver(PackagedService instance, String event) throws Exception {
        long now = System.currentTimeMillis() / 1000;
        return instance.post(ChatwootDeliveries.PATH, Map.of("Content-Type", "application/json",
                "X-Chatwoot-Timestamp", Long.toString(now),
                "X-Chatwoot-Signature", ChatwootDeliveries.signature(WEBHOOK_SECRET, Long.toString(now), event)),
                event.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    private long upstreamCalls(ChatwootConversation conversation) {
        return upstream.countRequestsMatching(getRequestedFor(urlPathEqualTo(conversation.address().upstreamPath())).build()).getCount();
    }
}

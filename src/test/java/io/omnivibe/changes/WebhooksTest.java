package io.omnivibe.changes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import static io.restassured.RestAssured.given;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.omnivibe.testing.CapturedLog;
import io.omnivibe.testing.ChatwootConversation;
import io.omnivibe.testing.ChatwootDeliveries;
import io.omnivibe.testing.InjectOmnivibeStub;
import io.omnivibe.testing.Management;
import io.omnivibe.testing.Metrics;
import io.omnivibe.testing.OmnivibeStub;
import io.omnivibe.testing.TricklingSender;
import io.quarkus.test.common.WithTestResource;
import io.restassured.RestAssured;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.StreamResetException;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * One instance with webhooks and an hour's freshness window: a conversation nobody writes to is
 * read from the upstream once, one Chatwoot says changed is read again on its next lookup, a
 * delivery seen before changes nothing more, one proven but unreadable (which may have been a
 * change) leaves earlier copies on the short window, here 0: read again, and one that proves
 * nothing, or is refused or cut off before it could, changes nothing.
 */
@QuarkusTest
@WithTestResource(OmnivibeStub.class)
@TestProfile(WebhooksTest.SignedWebhooks.class)
public class WebhooksTest {

    static final String SECRET = "Xk3v9QpL7mZt2RwB8nYc4HsD";

    public static class SignedWebhooks implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lookup.webhooks.secret", SECRET, "lookup.fresh-for-ms", "3600000",
                    "lookup.stale.max-age-ms", "3600000", "lookup.webhooks.max-body-bytes", "65536",
                    "lookup.webhooks.fallback-fresh-for-ms", "0");
        }
    }

    @InjectOmnivibeStub
    WireMockServer upstream;

    @Test
    void aMissingConversationIsAskedForOnceUntilItIsCreated() {
        ChatwootConversation conversation = ChatwootConversation.fresh();
        upstream.stubFor(OmnivibeStub.missing(conversation.address()));

        lookUp(conversation).then().statusCode(404).header("X-Cache", (String) null);
        for (int poll = 0; poll < 20; poll++) {
            lookUp(conversation).then().statusCode(404).header("X-Cache", "HIT")
                    .body("type", equalTo("urn:omnivibe-lookup:problem:conversation-not-found"));
        }
        assertThat(upstreamCalls(conversation)).as("remembered for the hour's window").isEqualTo(1);

        // Display ids only grow: the one a caller polled for can come to exist.
        upstream.stubFor(OmnivibeStub.answering(conversation.address(), conversation.document("hello")));
        deliver(conversation.conversationCreated()).then().statusCode(200).body("outcome", equalTo("applied"));

        lookUp(conversation).then().statusCode(200).header("X-Cache", (String) null);
        lookUp(conversation).then().statusCode(200).header("X-Cache", "HIT");
        assertThat(upstreamCalls(conversation)).isEqualTo(2);
    }

    @Test
    void aConversationNobodyWritesToIsReadFromTheUpstreamOnce() {
        ChatwootConversation conversation = ChatwootConversation.fresh();
        upstream.stubFor(OmnivibeStub.answering(conversation.address(), conversation.document("hello")));

        lookUp(conversation).then().statusCode(200).header("X-Cache", (String) null);
        for (int poll = 0; poll < 20; poll++) {
            lookUp(conversation).then().statusCode(200).header("X-Cache", "HIT");
        }

        assertThat(upstreamCalls(conversation)).isEqualTo(1);
    }

    @Test
    void aNewMessageMakesTheNextLookupReadTheUpstreamAndAnswerTheNewDocument() {
        ChatwootConversation conversation = ChatwootConversation.fresh();
        upstream.stubFor(OmnivibeStub.answering(conversation.address(), conversation.document("hello")));
        lookUp(conversation).then().statusCode(200);
        lookUp(conversation).then().statusCode(200).header("X-Cache", "HIT");

        upstream.stubFor(OmnivibeStub.answering(conversation.address(), conversation.document("a new message")));
        deliver(conversation.messageCreated("a new message")).then().statusCode(200)
                .contentType("application/json").body("outcome", equalTo("applied"));

        String answer = lookUp(conversation).then().statusCode(200).header("X-Cache", (String) null).extract().asString();
        assertThat(answer).contains("a new message");
        lookUp(conversation).then().statusCode(200).header("X-Cache", "HIT");
        assertThat(upstreamCalls(conversation)).isEqualTo(2);
    }

    @Test
    void anEventNamingTheConversationByItsInternalIdStillReachesItThroughTheContactIdentifier() {
        ChatwootConversation conversation = ChatwootConversation.fresh();
        upstream.stubFor(OmnivibeStub.answering(conversation.address(), conversation.document("hello")));
        lookUp(conversation).then().statusCode(200);

        deliver(conversation.statusChangedWithInternalId()).then().statusCode(200).body("outcome", equalTo("applied"));

        lookUp(conversation).then().statusCode(200).header("X-Cache", (String) null);
        assertThat(upstreamCalls(conversation)).isEqualTo(2);
    }

    @Test
    void aContactUpdateMakesStaleEveryConversationEmbeddingTheContact() {
        ChatwootConversation conversation = ChatwootConversation.fresh();
        upstream.stubFor(OmnivibeStub.answering(conversation.address(), conversation.document("hello")));
        lookUp(conversation).then().statusCode(200);

        deliver(conversation.contactUpdated()).then().statusCode(200).body("outcome", equalTo("applied"));

        lookUp(conversation).then().statusCode(200).header("X-Cache", (String) null);
        assertThat(upstreamCalls(conversation)).isEqualTo(2);
    }

    @Test
    void eventsAboutOtherConversationsOrThatChangeNoDocumentLeaveTheCopyCurrent() {
        ChatwootConversation conversation = ChatwootConversation.fresh();
        ChatwootConversation another = ChatwootConversation.fresh();
        upstream.stubFor(OmnivibeStub.answering(conversation.address(), conversation.document("hello")));
        lookUp(conversation).then().statusCode(200);
        double ignored = Metrics.value("omnivibe_webhooks_deliveries_total", "result=ignored");
        double unmapped = Metrics.value("omnivibe_webhooks_deliveries_total", "result=unmapped");

        deliver(another.messageCreated("not yours")).then().statusCode(200).body("outcome", equalTo("applied"));
        deliver(conversation.typingOn()).then().statusCode(200).body("outcome", equalTo("ignored"));
        deliver("{\"event\":\"something_new\",\"id\":1}").then().statusCode(200).body("outcome", equalTo("ignored"));
        deliver("{\"event\":\"message_created\",\"id\":5,\"content\":\"no conversation\"}").then().statusCode(200)
                .body("outcome", equalTo("unmapped"));

        lookUp(conversation).then().statusCode(200).header("X-Cache", "HIT");
        assertThat(upstreamCalls(conversation)).isEqualTo(1);
        assertThat(Metrics.value("omnivibe_webhooks_deliveries_total", "result=ignored")).isEqualTo(ignored + 2);
        assertThat(Metrics.value("omnivibe_webhooks_deliveries_total", "result=unmapped")).isEqualTo(unmapped + 1);
    }

    @Test
    void deliveriesThatDoNotProveThemselvesAre401AndChangeNothing() {
        ChatwootConversation conversation = ChatwootConversation.fresh();
        upstream.stubFor(OmnivibeStub.answering(conversation.address(), conversation.document("hello")));
        lookUp(conversation).then().statusCode(200);
        String event = conversation.messageCreated("forged");
        long now = System.currentTimeMillis() / 1000;
        double refused = Metrics.value("omnivibe_webhooks_deliveries_total", "result=unauthorized");

        ChatwootDeliveries.signed("another-secret-of-24-chars", event).when().post(ChatwootDeliveries.PATH)
                .then().statusCode(401).contentType("application/problem+json")
                .body("type", equalTo("urn:omnivibe-lookup:problem:webhook-unauthorized"));
        ChatwootDeliveries.signedAt(SECRET, now - 600, event).when().post(ChatwootDeliveries.PATH).then().statusCode(401)
                .body("detail", org.hamcrest.Matchers.containsString("X-Chatwoot-Timestamp"));
        ChatwootDeliveries.signedAt(SECRET, now + 600, event).when().post(ChatwootDeliveries.PATH).then().statusCode(401);
        ChatwootDeliveries.signedAt(SECRET, Long.MIN_VALUE, event).when().post(ChatwootDeliveries.PATH).then().statusCode(401);
        given().contentType("application/json").body(event).when().post(ChatwootDeliveries.PATH).then().statusCode(401)
                .body("detail", org.hamcrest.Matchers.containsString("not signed"));
        given().contentType("application/json").header("X-Chatwoot-Timestamp", Long.toString(now))
                .header("X-Chatwoot-Signature", "sha256=" + "0".repeat(64)).body(event)
                .when().post(ChatwootDeliveries.PATH).then().statusCode(401);
        // Signed for one body, sent with another.
        given().contentType("application/json").header("X-Chatwoot-Timestamp", Long.toString(now))
                .header("X-Chatwoot-Signature", ChatwootDeliveries.signature(SECRET, Long.toString(now), "{}")).body(event)
                .when().post(ChatwootDeliveries.PATH).then().statusCode(401);

        // A stranger's junk must not cost the upstream a call a copy: a secret that no longer
        // matches is what the refusals' count (and its alert) is for.
        lookUp(conversation).then().statusCode(200).header("X-Cache", "HIT");
        assertThat(upstreamCalls(conversation)).isOne();
        assertThat(Metrics.value("omnivibe_webhooks_deliveries_total", "result=unauthorized")).isEqualTo(refused + 7);
    }

    @Test
    void aReplayedDeliveryChangesNothingMore() {
        ChatwootConversation conversation = ChatwootConversation.fresh();
        upstream.stubFor(OmnivibeStub.answering(conversation.address(), conversation.document("hello")));
        lookUp(conversation).then().statusCode(200);
        String event = conversation.messageCreated("once");
        long now = System.currentTimeMillis() / 1000;

        ChatwootDeliveries.signedAt(SECRET, now, event).when().post(ChatwootDeliveries.PATH).then().statusCode(200)
                .body("outcome", equalTo("applied"));
        lookUp(conversation).then().statusCode(200).header("X-Cache", (String) null);
        // The same bytes again, with a delivery id of its own: the signature gives it away.
        ChatwootDeliveries.signedAt(SECRET, now, event).when().post(ChatwootDeliveries.PATH).then().statusCode(200)
                .body("outcome", equalTo("duplicate"));

        lookUp(conversation).then().statusCode(200).header("X-Cache", "HIT");
        assertThat(upstreamCalls(conversation)).isEqualTo(2);
    }

    @Test
    void anOversizedOrMalformedDeliveryIsRefusedAndLeavesEarlierCopiesToBeReadAgain() {
        ChatwootConversation conversation = ChatwootConversation.fresh();
        upstream.stubFor(OmnivibeStub.answering(conversation.address(), conversation.document("hello")));
        lookUp(conversation).then().statusCode(200);
        String event = conversation.messageCreated("x".repeat(70_000));

        // Refused by the HTTP layer before the service reads a byte: it changes nothing here.
        ChatwootDeliveries.signed(SECRET, event).when().post(ChatwootDeliveries.PATH).then().statusCode(413);
        lookUp(conversation).then().statusCode(200).header("X-Cache", "HIT");

        ChatwootDeliveries.signed(SECRET, "{\"event\":\"message_created\",").when().post(ChatwootDeliveries.PATH)
                .then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("urn:omnivibe-lookup:problem:webhook-malformed"));
        ChatwootDeliveries.signed(SECRET, "[1,2,3]").when().post(ChatwootDeliveries.PATH).then().statusCode(400);
        lookUp(conversation).then().statusCode(200).header("X-Cache", (String) null);
        assertThat(upstreamCalls(conversation)).isEqualTo(2);
    }

    @Test
    void aChunkedBodyPastTheBoundIs413Too() {
        byte[] large = ("{\"event\":\"message_created\",\"content\":\"" + "x".repeat(70_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        given().contentType("application/json").header("X-Chatwoot-Timestamp", "1").header("X-Chatwoot-Signature", "sha256=00")
                .body(new java.io.ByteArrayInputStream(large)).when().post(ChatwootDeliveries.PATH).then().statusCode(413);
    }

    @Test
    void bodiesBeingReceivedAreBoundedInNumberAndInTime() throws Exception {
        ChatwootConversation conversation = ChatwootConversation.fresh();
        upstream.stubFor(OmnivibeStub.answering(conversation.address(), conversation.document("hello")));
        lookUp(conversation).then().statusCode(200);
        double busy = Metrics.value("omnivibe_webhooks_deliveries_total", "result=busy");
        List<TricklingSender> trickling = new ArrayList<>();
        try (CapturedLog log = CapturedLog.attach()) {
            for (int i = 0; i < 16; i++) {
                trickling.add(TricklingSender.start(ChatwootDeliveries.PATH));
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> deliver("{\"event\":\"inbox_updated\",\"id\":1}").then()
                    .statusCode(503).header("Retry-After", "1")
                    .body("type", equalTo("urn:omnivibe-lookup:problem:webhooks-busy")));
            assertThat(Metrics.value("omnivibe_webhooks_deliveries_total", "result=busy")).isGreaterThan(busy);

            // A body still unfinished after 10 s is not Chatwoot's (it waits 5 s): its connection is closed.
            long started = System.nanoTime();
            trickling.get(0).readToTheEnd();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(25));
            // Its place is free again while the others' senders still hold theirs.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> deliver("{\"event\":\"inbox_updated\",\"id\":1}").then()
                    .statusCode(200).body("outcome", equalTo("ignored")));
            // A sender that went away is not the service's failure.
            assertThat(log.text()).doesNotContain("ERROR").doesNotContain("Unexpected failure");
        } finally {
            for (TricklingSender sender : trickling) {
                sender.close();
            }
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> deliver("{\"event\":\"inbox_updated\",\"id\":1}").then()
                .statusCode(200).body("outcome", equalTo("ignored")));
        // Refused and cut off, but from anyone: nothing says Chatwoot sent them, so no copy is read again.
        lookUp(conversation).then().statusCode(200).header("X-Cache", "HIT");
        assertThat(upstreamCalls(conversation)).isOne();
    }

    @Test
    void aBodyPastItsTimeOnHttp2ResetsItsStreamNotTheConnectionItShares() throws Exception {
        ChatwootConversation conversation = ChatwootConversation.fresh();
        upstream.stubFor(OmnivibeStub.answering(conversation.address(), conversation.document("hello")));
        Vertx vertx = Vertx.vertx();
        try {
            // As a proxy speaking h2c: one connection, every request a stream on it.
            HttpClient client = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                    .setHttp2ClearTextUpgrade(false).setDefaultHost("localhost").setDefaultPort(RestAssured.port),
                    new PoolOptions().setHttp2MaxSize(1));
            HttpClientRequest trickling = client.request(HttpMethod.POST, ChatwootDeliveries.PATH)
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            AtomicBoolean connectionClosed = new AtomicBoolean();
            trickling.connection().closeHandler(closed -> connectionClosed.set(true));
            CompletableFuture<HttpClientResponse> refused = trickling.setChunked(true).putHeader("Content-Type", "application/json")
                    .response().toCompletionStage().toCompletableFuture();
            trickling.write("{\"event\":");

            assertThatThrownBy(() -> refused.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(StreamResetException.class);
            HttpClientRequest lookup = client.request(HttpMethod.GET, conversation.address().lookupPath())
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            int status = lookup.send().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).statusCode();
            assertThat(status).isEqualTo(200);
            assertThat(lookup.connection()).isSameAs(trickling.connection());
            assertThat(connectionClosed).isFalse();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void readinessSaysTheChangesComeHereDirectly() {
        Management.given().when().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'omnivibe-webhooks' }.data.changes", equalTo("direct"));
    }

    @Test
    void theUrlSecretPathDoesNotExistForSignedWebhooks() {
        given().contentType("application/json").body("{}").when().post(ChatwootDeliveries.PATH + "/" + SECRET).then().statusCode(404);
    }

    static io.restassured.response.Response deliver(String event) {
        return ChatwootDeliveries.signed(SECRET, event).when().post(ChatwootDeliveries.PATH);
    }

    static io.restassured.response.Response lookUp(ChatwootConversation conversation) {
        return given().when().get(conversation.address().lookupPath());
    }

    int upstreamCalls(ChatwootConversation conversation) {
        return upstream.countRequestsMatching(getRequestedFor(urlPathEqualTo(conversation.address().upstreamPath())).build()).getCount();
    }
}

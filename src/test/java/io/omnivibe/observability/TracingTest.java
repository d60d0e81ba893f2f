package io.omnivibe.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;

import static io.restassured.RestAssured.given;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.omnivibe.testing.Bodies;
import io.omnivibe.testing.CapturedLog;
import io.omnivibe.testing.InjectOmnivibeStub;
import io.omnivibe.testing.OmnivibeStub;
import io.omnivibe.testing.PatientAttempts;
import io.omnivibe.testing.TestConversation;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;

/**
 * A span per lookup and one per upstream attempt, named and described by route templates; each
 * lookup logs under its own trace id, also when it joined another lookup's call.
 */
@QuarkusTest
@WithTestResource(OmnivibeStub.class)
@TestProfile(TracingTest.OwnInstance.class)
class TracingTest {

    /**
     * An instance of its own, so that no other test's lookup ends a span while this one reads them;
     * patient, so that a slow first answer of a cold stub does not turn into a retry here; with
     * a freshness window, so that hits are traced too (every other test looks up a new conversation).
     */
    public static class OwnInstance extends PatientAttempts {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
            overrides.put("lookup.fresh-for-ms", "60000");
            return overrides;
        }
    }

    private static final String ATTEMPT_SPAN = "omnivibe upstream attempt";
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @InjectOmnivibeStub
    WireMockServer upstream;

    @Inject
    InMemorySpanExporter spans;

    @Test
    void tracesTheLookupAndEachAttemptWithItsRetryNumberAndResult() {
        upstream.resetAll();
        spans.reset();
        TestConversation conversation = TestConversation.fresh();
        String path = conversation.upstreamPath();
        upstream.stubFor(get(urlPathEqualTo(path)).inScenario("flaky").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("failed once"));
        upstream.stubFor(get(urlPathEqualTo(path)).inScenario("flaky").whenScenarioStateIs("failed once")
                .willReturn(aResponse().withStatus(200).withBody(Bodies.resource("example.json"))));

        given().when().get(conversation.lookupPath()).then().statusCode(200);

        await().atMost(Duration.ofSeconds(10)).until(() -> spans.getFinishedSpanItems().stream()
                .anyMatch(span -> span.getKind() == SpanKind.SERVER));
        List<SpanData> finished = spans.getFinishedSpanItems();
        SpanData lookup = finished.stream().filter(span -> span.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
        assertThat(lookup.getName()).isEqualTo("GET " + IdentifierRedactingSpanProcessor.LOOKUP_ROUTE);
        assertThat(lookup.getAttributes().get(LookupObserver.LOOKUP_OUTCOME)).isEqualTo("fresh");
        assertThat(lookup.getAttributes().get(LookupObserver.LOOKUP_ATTEMPTS)).isEqualTo(2L);
        assertThat(lookup.getAttributes().get(AttributeKey.stringKey("url.path"))).isEqualTo(IdentifierRedactingSpanProcessor.LOOKUP_ROUTE);

        List<SpanData> attempts = finished.stream().filter(span -> span.getName().equals(ATTEMPT_SPAN)).toList();
        assertThat(attempts).hasSize(2).allSatisfy(attempt -> {
            assertThat(attempt.getTraceId()).isEqualTo(lookup.getTraceId());
            assertThat(attempt.getParentSpanId()).isEqualTo(lookup.getSpanId());
        });
        assertThat(attempts).extracting(attempt -> attempt.getAttributes().get(LookupObserver.RETRY_NUMBER)).containsExactlyInAnyOrder(0L, 1L);
        assertThat(attempts).extracting(attempt -> attempt.getAttributes().get(LookupObserver.ATTEMPT_RESULT))
                .containsExactlyInAnyOrder("server_error", "ok");

        assertThat(finished.toString()).doesNotContain(conversation.inboxIdentifier()).doesNotContain(conversation.contactIdentifier());
    }

    @Test
    void aHitIsTracedAsALookupWithoutAttempts() {
        upstream.resetAll();
        spans.reset();
        TestConversation conversation = TestConversation.fresh();
        upstream.stubFor(get(urlPathEqualTo(conversation.upstreamPath())).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(Bodies.resource("example.json"))));
        given().when().get(conversation.lookupPath()).then().statusCode(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> spans.getFinishedSpanItems().stream()
                .anyMatch(span -> span.getKind() == SpanKind.SERVER));
        spans.reset();

        given().when().get(conversation.lookupPath()).then().statusCode(200).header("X-Cache", "HIT");

        await().atMost(Duration.ofSeconds(10)).until(() -> spans.getFinishedSpanItems().stream()
                .anyMatch(span -> span.getKind() == SpanKind.SERVER));
        SpanData hit = spans.getFinishedSpanItems().stream().filter(span -> span.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
        assertThat(hit.getName()).isEqualTo("GET " + IdentifierRedactingSpanProcessor.LOOKUP_ROUTE);
        assertThat(hit.getAttributes().get(LookupObserver.LOOKUP_OUTCOME)).isEqualTo("recent");
        assertThat(hit.getAttributes().get(LookupObserver.LOOKUP_ATTEMPTS)).isEqualTo(0L);
        assertThat(hit.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(200L);
        assertThat(spans.getFinishedSpanItems()).noneMatch(span -> span.getName().equals(ATTEMPT_SPAN));
        assertThat(spans.getFinishedSpanItems().toString())
                .doesNotContain(conversation.inboxIdentifier()).doesNotContain(conversation.contactIdentifier());
    }

    @Test
    void aLookupPathInAnotherFormIsNotRecordedEither() throws Exception {
        spans.reset();
        TestConversation conversation = TestConversation.fresh();
        // Routed as a lookup once normalised; read raw, "//inboxes" is a host name and the rest a path.
        URI doubleSlash = URI.create("http://localhost:" + RestAssured.port + "/" + conversation.lookupPath().replace("/conversations/" + conversation.conversationId(), "/conversations/0"));
        assertThat(CLIENT.send(HttpRequest.newBuilder(doubleSlash).build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(400);
        // Not routed at all, and read raw, a path that names neither inboxes nor contacts.
        URI tokenOnly = URI.create("http://localhost:" + RestAssured.port + "//inboxes/" + conversation.inboxIdentifier() + "/x");
        assertThat(CLIENT.send(HttpRequest.newBuilder(tokenOnly).build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(404);

        await().atMost(Duration.ofSeconds(10)).until(() -> spans.getFinishedSpanItems().stream()
                .filter(span -> span.getKind() == SpanKind.SERVER).count() == 2);
        assertThat(spans.getFinishedSpanItems().toString())
                .doesNotContain(conversation.inboxIdentifier()).doesNotContain(conversation.contactIdentifier());
    }

    @Test
    void aLookupThatJoinsAnotherCallLogsUnderItsOwnTraceId() throws Exception {
        upstream.resetAll();
        spans.reset();
        TestConversation conversation = TestConversation.fresh();
        upstream.stubFor(get(urlPathEqualTo(conversation.upstreamPath())).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(Bodies.resource("example.json"))
                .withFixedDelay(1_500)));
        List<String> traceIds = List.of("0af7651916cd43dd8448eb211c80319c", "1bf7651916cd43dd8448eb211c80319c",
                "2cf7651916cd43dd8448eb211c80319c", "3df7651916cd43dd8448eb211c80319c");

        String logged;
        try (CapturedLog log = CapturedLog.attach()) {
            List<CompletableFuture<HttpResponse<Void>>> lookups = new ArrayList<>();
            lookups.add(lookUpWithin(conversation, traceIds.get(0)));
            await().atMost(Duration.ofSeconds(10)).until(() -> upstream.countRequestsMatching(
                    getRequestedFor(urlPathEqualTo(conversation.upstreamPath())).build()).getCount() == 1);
            for (String traceId : traceIds.subList(1, traceIds.size())) {
                lookups.add(lookUpWithin(conversation, traceId));
            }
            CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            assertThat(lookups).allSatisfy(lookup -> assertThat(lookup.join().statusCode()).isEqualTo(200));
            logged = log.text();
        }

        upstream.verify(1, getRequestedFor(urlPathEqualTo(conversation.upstreamPath())));
        // Each lookup's span is in its caller's trace (and has ended before the next test reads spans).
        await().atMost(Duration.ofSeconds(10)).until(() -> spans.getFinishedSpanItems().stream()
                .filter(span -> span.getKind() == SpanKind.SERVER).map(SpanData::getTraceId).toList().containsAll(traceIds));
        List<String> lookupLines = logged.lines().filter(line -> line.startsWith(LookupObserver.class.getName())).toList();
        assertThat(lookupLines).filteredOn(line -> line.contains("traceId=" + traceIds.get(0)))
                .singleElement().asString().contains("attempts=1").doesNotContain("joined-call");
        for (String joiner : traceIds.subList(1, traceIds.size())) {
            assertThat(lookupLines).filteredOn(line -> line.contains("traceId=" + joiner))
                    .singleElement().asString().contains("attempts=0 joined-call=true");
        }
    }

    /** A lookup made within the caller's trace (W3C traceparent), as a traced front end sends it. */
    private static CompletableFuture<HttpResponse<Void>> lookUpWithin(TestConversation conversation, String traceId) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(RestAssured.baseURI + ":" + RestAssured.port + conversation.lookupPath()))
                .header("traceparent", "00-" + traceId + "-b7ad6b7169203331-01")
                .timeout(Duration.ofSeconds(20))
                .build();
        return CLIENT.sendAsync(request, HttpResponse.BodyHandlers.discarding());
    }
}

package io.omnivibe.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;

import static io.restassured.RestAssured.given;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.omnivibe.testing.Bodies;
import io.omnivibe.testing.CircuitNeverOpens;
import io.omnivibe.testing.InjectOmnivibeStub;
import io.omnivibe.testing.OmnivibeStub;
import io.omnivibe.testing.TestConversation;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** A span per lookup and one per upstream attempt, named and described by route templates. */
@QuarkusTest
@WithTestResource(OmnivibeStub.class)
@TestProfile(TracingTest.OwnInstance.class)
class TracingTest {

    /** An instance of its own, so that no other test's lookup ends a span while this one reads them. */
    public static class OwnInstance extends CircuitNeverOpens {
    }

    private static final String ATTEMPT_SPAN = "omnivibe upstream attempt";

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
}

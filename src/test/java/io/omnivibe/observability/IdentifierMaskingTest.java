package io.omnivibe.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import static io.restassured.RestAssured.given;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;

import io.omnivibe.testing.Bodies;
import io.omnivibe.testing.CapturedLog;
import io.omnivibe.testing.CircuitNeverOpens;
import io.omnivibe.testing.InjectOmnivibeStub;
import io.omnivibe.testing.Metrics;
import io.omnivibe.testing.OmnivibeStub;
import io.omnivibe.testing.TestConversation;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The inbox token and the contact credential never reach a log, a response, a metric or a span in
 * clear, whatever the outcome of the lookup.
 */
@QuarkusTest
@WithTestResource(OmnivibeStub.class)
@TestProfile(CircuitNeverOpens.class)
class IdentifierMaskingTest {

    private static final String INBOX = "Xq7PzR2mKw9TnB4vLc8YdH3s";
    private static final String CONTACT = "maria.silva+vip@example.com";

    @InjectOmnivibeStub
    WireMockServer upstream;

    @Inject
    InMemorySpanExporter spans;

    private String lookUpAnswered(long conversationId, ResponseDefinitionBuilder answer) {
        TestConversation conversation = new TestConversation(INBOX, CONTACT, conversationId);
        upstream.stubFor(get(urlPathEqualTo(conversation.upstreamPath())).willReturn(answer));
        return given().when().get(conversation.lookupPath()).then().extract().asString();
    }

    @Test
    void neitherIdentifierAppearsInLogsResponsesMetricsOrSpansForAnyOutcome() {
        upstream.resetAll();
        spans.reset();
        StringBuilder responses = new StringBuilder();
        String logged;
        try (CapturedLog log = CapturedLog.attach()) {
            responses.append(lookUpAnswered(1, aResponse().withStatus(200).withBody(Bodies.resource("example.json"))));
            responses.append(lookUpAnswered(1, aResponse().withStatus(500)));
            responses.append(lookUpAnswered(2, OmnivibeStub.notFound()));
            responses.append(lookUpAnswered(3, aResponse().withStatus(429)));
            responses.append(lookUpAnswered(4, aResponse().withStatus(503).withHeader("Retry-After", "600")));
            responses.append(lookUpAnswered(5, aResponse().withStatus(403).withBody("denied")));
            responses.append(lookUpAnswered(6, aResponse().withStatus(200).withBody("<html>not json</html>")));
            responses.append(lookUpAnswered(7, aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
            responses.append(lookUpAnswered(8, aResponse().withStatus(200).withFixedDelay(3_000).withBody("{}")));
            responses.append(given().when().get("/inboxes/" + INBOX + "/contacts/" + CONTACT + "/conversations/0").then()
                    .statusCode(400).extract().asString());
            responses.append(given().urlEncodingEnabled(false).when()
                    .get("/inboxes/" + INBOX + "%00/contacts/maria.silva%2Bvip%40example.com/conversations/1").then()
                    .statusCode(400).extract().asString());
            logged = log.text();
        }

        assertThat(logged).contains("Lookup of inbox #").doesNotContain(INBOX).doesNotContain(CONTACT)
                .doesNotContain("maria.silva");
        assertThat(responses.toString()).doesNotContain(INBOX).doesNotContain(CONTACT);
        assertThat(Metrics.scrape()).contains("omnivibe_lookups_seconds").doesNotContain(INBOX).doesNotContain(CONTACT)
                .doesNotContain("maria.silva");
        // Every lookup above ends its request span; the slow one's last attempt ends within 2 s after.
        await().atMost(Duration.ofSeconds(15)).until(() -> spans.getFinishedSpanItems().stream()
                .filter(span -> span.getKind() == SpanKind.SERVER).count() >= 11);
        await().atMost(Duration.ofSeconds(15)).until(() -> spans.getFinishedSpanItems().stream()
                .filter(span -> span.getName().equals("omnivibe upstream attempt")).count() >= 17);
        assertThat(spans.getFinishedSpanItems().toString()).contains("omnivibe.attempt").doesNotContain(INBOX)
                .doesNotContain(CONTACT).doesNotContain("maria.silva");
    }
}

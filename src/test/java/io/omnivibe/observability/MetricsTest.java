package io.omnivibe.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import static io.omnivibe.testing.Metrics.value;
import static io.restassured.RestAssured.given;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;

import io.omnivibe.testing.Bodies;
import io.omnivibe.testing.CapturedLog;
import io.omnivibe.testing.CircuitNeverOpens;
import io.omnivibe.testing.InjectOmnivibeStub;
import io.omnivibe.testing.Metrics;
import io.omnivibe.testing.OmnivibeStub;
import io.omnivibe.testing.TestConversation;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;

/** Each outcome moves its metric at /q/metrics, with upstream attempts and the policies' own counts. */
@QuarkusTest
@WithTestResource(OmnivibeStub.class)
@TestProfile(CircuitNeverOpens.class)
class MetricsTest {

    private static final String LOOKUPS = "omnivibe_lookups_seconds_count";
    private static final String ATTEMPTS = "omnivibe_upstream_attempts_seconds_count";

    @InjectOmnivibeStub
    WireMockServer upstream;

    private TestConversation conversation;

    @BeforeEach
    void freshConversation() {
        upstream.resetAll();
        conversation = TestConversation.fresh();
    }

    private void upstreamAnswers(ResponseDefinitionBuilder answer) {
        upstream.stubFor(get(urlPathEqualTo(conversation.upstreamPath())).willReturn(answer));
    }

    private void assertLookupCounted(String outcome, String status, int expectedStatus) {
        double before = value(LOOKUPS, "outcome=" + outcome, "status=" + status);
        given().when().get(conversation.lookupPath()).then().statusCode(expectedStatus);
        assertThat(value(LOOKUPS, "outcome=" + outcome, "status=" + status)).isEqualTo(before + 1);
    }

    @Test
    void countsFreshLookupsAndSuccessfulAttemptsWithALatencyHistogram() {
        upstreamAnswers(aResponse().withStatus(200).withBody(Bodies.resource("example.json")));
        double attemptsBefore = value(ATTEMPTS, "result=ok");

        assertLookupCounted("fresh", "200", 200);

        assertThat(value(ATTEMPTS, "result=ok")).isEqualTo(attemptsBefore + 1);
        assertThat(Metrics.scrape()).contains("omnivibe_lookups_seconds_bucket{outcome=\"fresh\",status=\"200\",le=\"");
        assertThat(value("omnivibe_stale_entries")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void showsTheCapOnUpstreamCallsSoThatCallsCanBeDrawnAgainstIt() {
        assertThat(value("omnivibe_upstream_calls_per_minute_cap", "scope=instance")).isEqualTo(2400);
        assertThat(Metrics.scrape()).doesNotContain("omnivibe_upstream_calls_per_minute_cap{scope=\"fleet\"}")
                .doesNotContain("omnivibe_shared_store_state");
    }

    @Test
    void countsStaleLookups() {
        upstreamAnswers(aResponse().withStatus(200).withBody(Bodies.resource("example.json")));
        given().when().get(conversation.lookupPath()).then().statusCode(200);
        upstream.resetAll();
        upstreamAnswers(aResponse().withStatus(500));

        assertLookupCounted("stale", "200", 200);
    }

    @Test
    void countsInvalidRequestsWhereverTheyAreRefused() {
        double before = value(LOOKUPS, "outcome=invalid_request", "status=400");
        given().when().get("/inboxes/abc/contacts/def/conversations/0").then().statusCode(400);
        given().urlEncodingEnabled(false).when().get("/inboxes/%2E%2E/contacts/def/conversations/1").then().statusCode(400);

        assertThat(value(LOOKUPS, "outcome=invalid_request", "status=400")).isEqualTo(before + 2);
    }

    @Test
    void countsAndLogsALookupWhoseCallerWentAwayFirst() throws Exception {
        upstreamAnswers(aResponse().withStatus(200).withBody(Bodies.resource("example.json")).withFixedDelay(1_500));
        double before = value(LOOKUPS, "outcome=abandoned", "status=499");

        try (CapturedLog log = CapturedLog.attach()) {
            HttpRequest impatient = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + conversation.lookupPath()))
                    .timeout(Duration.ofMillis(300)).build();
            assertThatThrownBy(() -> HttpClient.newHttpClient().send(impatient, HttpResponse.BodyHandlers.discarding()))
                    .isInstanceOf(HttpTimeoutException.class);

            await().atMost(Duration.ofSeconds(10)).until(() -> value(LOOKUPS, "outcome=abandoned", "status=499") == before + 1);
            assertThat(log.text()).contains("outcome=abandoned status=499");
        }
    }

    @Test
    void countsNotFoundLookupsAndAttempts() {
        upstreamAnswers(OmnivibeStub.notFound());
        double attemptsBefore = value(ATTEMPTS, "result=not_found");

        assertLookupCounted("not_found", "404", 404);

        assertThat(value(ATTEMPTS, "result=not_found")).isEqualTo(attemptsBefore + 1);
    }

    @Test
    void countsBadGatewayLookupsEveryFailedAttemptAndTheRetries() {
        upstreamAnswers(aResponse().withStatus(500));
        double attemptsBefore = value(ATTEMPTS, "result=server_error");
        double retriesBefore = value("ft_retry_retries_total");
        double spentBefore = value("ft_retry_calls_total", "retryResult=maxRetriesReached");

        assertLookupCounted("bad_gateway", "502", 502);

        assertThat(value(ATTEMPTS, "result=server_error")).isEqualTo(attemptsBefore + 3);
        assertThat(value("ft_retry_retries_total")).isEqualTo(retriesBefore + 2);
        assertThat(value("ft_retry_calls_total", "retryResult=maxRetriesReached")).isEqualTo(spentBefore + 1);
    }

    @Test
    void countsUnavailableLookupsWhenRateLimited() {
        upstreamAnswers(aResponse().withStatus(429));
        double attemptsBefore = value(ATTEMPTS, "result=rate_limited");

        assertLookupCounted("unavailable", "503", 503);

        assertThat(value(ATTEMPTS, "result=rate_limited")).isEqualTo(attemptsBefore + 3);
    }

    @Test
    void countsTimedOutLookupsAndAttempts() {
        upstreamAnswers(aResponse().withStatus(200).withFixedDelay(30_000).withBody("{}"));
        double timeoutsBefore = value(ATTEMPTS, "result=timeout");

        assertLookupCounted("timeout", "504", 504);

        // Two attempts reach their own timeout; a third, if the retry delays leave time for it, the budget's end.
        assertThat(value(ATTEMPTS, "result=timeout")).isGreaterThanOrEqualTo(timeoutsBefore + 2);
    }
}

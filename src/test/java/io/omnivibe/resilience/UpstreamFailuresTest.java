package io.omnivibe.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;

import static io.restassured.RestAssured.given;

import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;

import io.omnivibe.testing.Bodies;
import io.omnivibe.testing.CircuitNeverOpens;
import io.omnivibe.testing.InjectOmnivibeStub;
import io.omnivibe.testing.OmnivibeStub;
import io.omnivibe.testing.TestConversation;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;

/**
 * How each upstream failure is retried, mapped and covered by the stale copy. The circuit is
 * kept from opening here, so that each case is seen on its own; {@link CircuitBreakerTest}
 * covers the circuit.
 */
@QuarkusTest
@WithTestResource(OmnivibeStub.class)
@TestProfile(CircuitNeverOpens.class)
class UpstreamFailuresTest {

    private static final int ATTEMPTS = 3;

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

    private ValidatableResponse lookUp() {
        return given().when().get(conversation.lookupPath()).then();
    }

    private ValidatableResponse lookUpExpectingProblem(int status, String type) {
        return lookUp().statusCode(status)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:omnivibe-lookup:problem:" + type))
                .body("status", equalTo(status))
                .body("title", notNullValue())
                .body("detail", notNullValue());
    }

    private void assertUpstreamCalls(int count) {
        upstream.verify(count, getRequestedFor(urlPathEqualTo(conversation.upstreamPath())));
    }

    @ParameterizedTest
    @ValueSource(ints = { 500, 502, 503, 504 })
    void retriesServerErrorsThenAnswers502(int status) {
        upstreamAnswers(aResponse().withStatus(status).withBody("{\"status\":500,\"error\":\"Internal Server Error\"}"));

        lookUpExpectingProblem(502, "upstream-error")
                .body("detail", equalTo("The upstream answered HTTP " + status + "."));
        assertUpstreamCalls(ATTEMPTS);
    }

    @Test
    void succeedsWhenTheUpstreamRecoversWithinTheRetries() {
        String path = conversation.upstreamPath();
        upstream.stubFor(get(urlPathEqualTo(path)).inScenario("flaky").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(500)).willSetStateTo("failed once"));
        upstream.stubFor(get(urlPathEqualTo(path)).inScenario("flaky").whenScenarioStateIs("failed once")
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)).willSetStateTo("failed twice"));
        byte[] body = Bodies.resource("example.json");
        upstream.stubFor(get(urlPathEqualTo(path)).inScenario("flaky").whenScenarioStateIs("failed twice")
                .willReturn(aResponse().withStatus(200).withBody(body)));

        byte[] answer = lookUp().statusCode(200).header("X-Cache", nullValue()).extract().asByteArray();

        assertThat(answer).isEqualTo(body);
        assertUpstreamCalls(ATTEMPTS);
    }

    @ParameterizedTest
    @ValueSource(ints = { 401, 403, 422, 400, 302, 204 })
    void answers502WithoutRetryingAnUnexpectedStatus(int status) {
        upstreamAnswers(aResponse().withStatus(status).withHeader("Location", "https://elsewhere.example/")
                .withBody(status == 204 ? "" : "secret upstream body"));

        lookUpExpectingProblem(502, "upstream-unexpected-status")
                .body("detail", equalTo("The upstream answered unexpected HTTP " + status + "."));
        assertUpstreamCalls(1);
    }

    @ParameterizedTest
    @ValueSource(strings = { "<html>Bad gateway</html>", "[1,2,3]", "\"a string\"", "42", "null", "{\"id\":1} trailing",
            "{\"id\":1} {\"id\":2}", "{\"id\":1}}", "{\"id\":01}", "{\"id\":1,}" })
    void answers502WithoutRetryingABodyThatIsNotAConversation(String body) {
        upstreamAnswers(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body));

        lookUpExpectingProblem(502, "upstream-malformed-response");
        assertUpstreamCalls(1);
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "{\"id\":1,\"messages\":[{\"id\":" })
    void retriesAnEmptyOrCutOffBodyThenAnswers502(String body) {
        upstreamAnswers(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body));

        lookUpExpectingProblem(502, "upstream-unreachable");
        assertUpstreamCalls(ATTEMPTS);
    }

    @ParameterizedTest
    @ValueSource(strings = { "CONNECTION_RESET_BY_PEER", "EMPTY_RESPONSE", "MALFORMED_RESPONSE_CHUNK", "RANDOM_DATA_THEN_CLOSE" })
    void retriesBrokenConnectionsThenAnswers502(String fault) {
        upstreamAnswers(aResponse().withFault(Fault.valueOf(fault)));

        lookUpExpectingProblem(502, "upstream-unreachable");
        assertUpstreamCalls(ATTEMPTS);
    }

    @Test
    void retriesRateLimitingThenAnswers503WithRetryAfter() {
        // Chatwoot's throttle: text/plain, no Retry-After.
        upstreamAnswers(aResponse().withStatus(429).withHeader("Content-Type", "text/plain").withBody("Retry later"));

        lookUpExpectingProblem(503, "upstream-rate-limited").header("Retry-After", "1");
        assertUpstreamCalls(ATTEMPTS);
    }

    @Test
    void waitsForARetryAfterThatFitsTheBudget() {
        String path = conversation.upstreamPath();
        upstream.stubFor(get(urlPathEqualTo(path)).inScenario("throttled").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")).willSetStateTo("cooled down"));
        upstream.stubFor(get(urlPathEqualTo(path)).inScenario("throttled").whenScenarioStateIs("cooled down")
                .willReturn(aResponse().withStatus(200).withBody(Bodies.resource("example.json"))));

        long started = System.nanoTime();
        lookUp().statusCode(200);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(950));
        assertUpstreamCalls(2);
    }

    @ParameterizedTest
    @CsvSource({ "120, 120", "10000000000000000, 86400" })
    void givesUpAtOnceOnARetryAfterBeyondTheBudget(String upstreamRetryAfter, String retryAfter) {
        upstreamAnswers(aResponse().withStatus(503).withHeader("Retry-After", upstreamRetryAfter));

        long started = System.nanoTime();
        lookUpExpectingProblem(503, "upstream-rate-limited").header("Retry-After", retryAfter);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        // Waiting would take the whole 5 s budget.
        assertThat(took).isLessThan(Duration.ofSeconds(4));
        assertUpstreamCalls(1);
    }

    @Test
    void answers504WithinTheBudgetWhenTheUpstreamNeverAnswers() {
        upstreamAnswers(aResponse().withStatus(200).withFixedDelay(30_000).withBody(Bodies.resource("example.json")));

        long started = System.nanoTime();
        lookUpExpectingProblem(504, "upstream-timeout");
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        // Within the budget, with room for a busy machine; the upstream would hang for 30 s.
        assertThat(took).isBetween(Duration.ofMillis(4_000), Duration.ofMillis(7_000));
        // Two attempts time out after 2 s each; the third is cut by the 5 s budget.
        assertUpstreamCalls(ATTEMPTS);
    }

    @Test
    void servesTheLastGoodCopyWhenTheUpstreamFails() {
        byte[] body = Bodies.resource("adversarial.json");
        upstreamAnswers(aResponse().withStatus(200).withBody(body));
        lookUp().statusCode(200).header("X-Cache", nullValue());

        upstream.resetAll();
        upstreamAnswers(aResponse().withStatus(500));

        byte[] answer = lookUp().statusCode(200)
                .contentType("application/json")
                .header("X-Cache", "STALE")
                .header("Age", notNullValue())
                .extract().asByteArray();
        assertThat(answer).isEqualTo(body);
        assertUpstreamCalls(ATTEMPTS);
    }

    @Test
    void neverServesAStaleCopyForAConversationTheUpstreamNoLongerShows() {
        upstreamAnswers(aResponse().withStatus(200).withBody(Bodies.resource("example.json")));
        lookUp().statusCode(200);

        upstream.resetAll();
        upstreamAnswers(OmnivibeStub.notFound());

        lookUpExpectingProblem(404, "conversation-not-found").header("X-Cache", nullValue());

        // The 404 took its copy's place: a later failure does not bring the copy back.
        upstream.resetAll();
        upstreamAnswers(aResponse().withStatus(500));

        lookUpExpectingProblem(404, "conversation-not-found").header("X-Cache", equalTo("HIT")).header("Age", notNullValue());
        assertUpstreamCalls(0);
    }

    @Test
    void takesAProxysHtml404ForAFailureNotForAConversationGone() {
        byte[] body = Bodies.resource("example.json");
        upstreamAnswers(aResponse().withStatus(200).withBody(body));
        lookUp().statusCode(200);

        // An ingress whose route to the upstream is missing for a moment, as during a redeploy.
        upstream.resetAll();
        upstreamAnswers(aResponse().withStatus(404).withHeader("Content-Type", "text/html").withBody("<html>404 Not Found</html>"));

        byte[] answer = lookUp().statusCode(200).header("X-Cache", "STALE").extract().asByteArray();
        assertThat(answer).isEqualTo(body);
        assertUpstreamCalls(1);
    }

    @Test
    void leaksNoUpstreamBodyIntoProblems() {
        upstreamAnswers(aResponse().withStatus(500).withBody("SECRET-STACK-TRACE at app/controllers/x.rb:12"));

        String problem = lookUpExpectingProblem(502, "upstream-error").extract().asString();

        assertThat(problem).doesNotContain("SECRET-STACK-TRACE").doesNotContain(conversation.contactIdentifier())
                .doesNotContain(conversation.inboxIdentifier());
    }
}

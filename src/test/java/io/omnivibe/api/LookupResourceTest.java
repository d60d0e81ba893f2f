package io.omnivibe.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import static io.restassured.RestAssured.given;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.omnivibe.testing.Bodies;
import io.omnivibe.testing.InjectOmnivibeStub;
import io.omnivibe.testing.OmnivibeStub;
import io.omnivibe.testing.TestConversation;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

/** The lookup endpoint against a healthy upstream: fidelity, 404, input checks, health. */
@QuarkusTest
@WithTestResource(OmnivibeStub.class)
class LookupResourceTest {

    @InjectOmnivibeStub
    WireMockServer upstream;

    @BeforeEach
    void resetUpstream() {
        upstream.resetAll();
    }

    private static byte[] lookUp(String path) {
        ExtractableResponse<Response> answer = given().urlEncodingEnabled(false).when().get(path)
                .then().statusCode(200)
                .contentType("application/json")
                .header("X-Cache", nullValue())
                .header("ETag", matchesPattern("\"[A-Za-z0-9_-]{22}\""))
                .extract();
        // One header or one per directive (as the Lambda integration sends it) mean the same.
        assertThat(String.join(", ", answer.headers().getValues("Cache-Control"))).isEqualTo("private, no-cache");
        return answer.asByteArray();
    }

    @ParameterizedTest
    @ValueSource(strings = { "example.json", "adversarial.json", "drift.json" })
    void answersWithTheUpstreamDocumentByteForByte(String bodyFile) {
        TestConversation conversation = TestConversation.fresh();
        byte[] body = Bodies.resource(bodyFile);
        upstream.stubFor(OmnivibeStub.answering(conversation, body));

        assertThat(lookUp(conversation.lookupPath())).isEqualTo(body);
        upstream.verify(1, getRequestedFor(urlPathEqualTo(conversation.upstreamPath())));
    }

    @Test
    void keepsUnknownValuesNullsAndNumberFormsOfTheAdversarialBody() {
        TestConversation conversation = TestConversation.fresh();
        upstream.stubFor(OmnivibeStub.answering(conversation, Bodies.resource("adversarial.json")));

        String answer = new String(lookUp(conversation.lookupPath()), StandardCharsets.UTF_8);
        assertThat(answer)
                .contains("\"id\":9007199254740993")
                .contains("\"inbox_id\":9223372036854775807")
                .contains("\"status\":\"escalated\"")
                .contains("\"file_type\":\"hologram\"")
                .contains("\"type\":\"telepath\"")
                .contains("\"group_source_id\":null")
                .contains("[1,1.0,1.50,-0.0,1e5,1E-7,12345678901234567890123]")
                .contains("\"coordinates_long\":123")
                .contains("\"unknown_top_level\":{\"a\":[{\"b\":{\"c\":null}}]}");
    }

    /** The upstream's schema drifting: values of types, sizes or shapes the model does not declare. */
    @ParameterizedTest
    @ValueSource(strings = {
            "{\"id\":1,\"messages\":[{\"attachments\":[{\"width\":2147483648}]}]}",
            "{\"id\":\"not a number\"}",
            "{\"id\":1e400,\"inbox_id\":-0.0}",
            "{\"status\":{\"name\":\"open\"}}",
            "{\"messages\":{},\"contact\":[]}",
            "{\"messages\":[null,\"text\",42]}",
            "{\"messages\":[{\"sender\":\"Alice\",\"message_type\":\"incoming\"}]}",
            "{}" })
    void answersADriftedDocumentByteForByte(String body) {
        TestConversation conversation = TestConversation.fresh();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        upstream.stubFor(OmnivibeStub.answering(conversation, bytes));

        assertThat(lookUp(conversation.lookupPath())).isEqualTo(bytes);
    }

    @Test
    void servesATwoMegabyteConversationWhole() {
        TestConversation conversation = TestConversation.fresh();
        byte[] body = Bodies.largeConversation(2 * 1024 * 1024);
        upstream.stubFor(OmnivibeStub.answering(conversation, body));

        assertThat(lookUp(conversation.lookupPath())).isEqualTo(body);
    }

    @Test
    void passesIdentifiersToTheUpstreamAsPathSegments() {
        upstream.stubFor(get(urlPathEqualTo("/public/api/v1/inboxes/inbox%20token/contacts/alice+test@example.com/conversations/12"))
                .willReturn(aResponse().withStatus(200).withBody(Bodies.resource("example.json"))));

        lookUp("/inboxes/inbox%20token/contacts/alice+test@example.com/conversations/12");
    }

    @Test
    void answers404WithAProblemWhenTheUpstreamHasNoSuchConversation() {
        TestConversation conversation = TestConversation.fresh();
        upstream.stubFor(get(urlPathEqualTo(conversation.upstreamPath()))
                .willReturn(aResponse().withStatus(404).withHeader("Content-Type", "application/json")
                        .withBody("{\"status\":404,\"error\":\"Not Found\"}")));

        given().when().get(conversation.lookupPath())
                .then().statusCode(404)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:omnivibe-lookup:problem:conversation-not-found"))
                .body("title", equalTo("Conversation not found"))
                .body("status", equalTo(404))
                .body("detail", equalTo("The upstream has no such conversation for this inbox and contact."));
        // A 404 is an answer, not a failure: never retried.
        upstream.verify(1, getRequestedFor(urlPathEqualTo(conversation.upstreamPath())));
    }

    @Test
    void aMissingConversationPolledWithinTheWindowCostsOneUpstreamCall() {
        TestConversation conversation = TestConversation.fresh();
        upstream.stubFor(OmnivibeStub.missing(conversation));

        given().when().get(conversation.lookupPath()).then().statusCode(404).header("X-Cache", nullValue());
        given().when().get(conversation.lookupPath())
                .then().statusCode(404)
                .contentType("application/problem+json")
                .header("X-Cache", equalTo("HIT"))
                .header("Age", matchesPattern("[0-9]+"))
                .body("type", equalTo("urn:omnivibe-lookup:problem:conversation-not-found"))
                .body("detail", equalTo("The upstream has no such conversation for this inbox and contact."));
        // Within the window of 5 s (lookup.not-found.fresh-for-ms): status and header only, to poll fast.
        for (int poll = 0; poll < 98; poll++) {
            given().when().get(conversation.lookupPath()).then().statusCode(404).header("X-Cache", equalTo("HIT"));
        }

        upstream.verify(1, getRequestedFor(urlPathEqualTo(conversation.upstreamPath())));
    }

    @Test
    void aProxys404IsNeverRemembered() {
        TestConversation conversation = TestConversation.fresh();
        upstream.stubFor(get(urlPathEqualTo(conversation.upstreamPath()))
                .willReturn(aResponse().withStatus(404).withHeader("Content-Type", "text/html").withBody("<html>Not Found</html>")));

        for (int poll = 0; poll < 3; poll++) {
            given().when().get(conversation.lookupPath()).then().statusCode(502).header("X-Cache", nullValue());
        }

        upstream.verify(3, getRequestedFor(urlPathEqualTo(conversation.upstreamPath())));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/inboxes/abc/contacts/def/conversations/0",
            "/inboxes/abc/contacts/def/conversations/-1",
            "/inboxes/abc/contacts/def/conversations/1.5",
            "/inboxes/abc/contacts/def/conversations/1e3",
            "/inboxes/abc/contacts/def/conversations/+7",
            "/inboxes/abc/contacts/def/conversations/9223372036854775808",
            "/inboxes/abc/contacts/def/conversations/99999999999999999999999",
            "/inboxes/abc/contacts/def/conversations/seven",
            "/inboxes/%20%20/contacts/def/conversations/1",
            "/inboxes/abc/contacts/%09/conversations/1",
            "/inboxes/abc/contacts/de%0Af/conversations/1",
            "/inboxes/abc/contacts/de%00f/conversations/1",
            "/inboxes/abc/contacts/de%7Ff/conversations/1",
            "/inboxes/a%2Fb/contacts/def/conversations/1",
            "/inboxes/abc/contacts/d%2fef/conversations/1",
            "/inboxes/./contacts/def/conversations/1",
            "/inboxes/abc/contacts/../conversations/1",
            "/inboxes/%2E/contacts/def/conversations/1",
            "/inboxes/abc/contacts/%2e%2E/conversations/1",
    })
    void refusesInvalidInputWithoutCallingTheUpstream(String path) {
        given().urlEncodingEnabled(false).when().get(path)
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:omnivibe-lookup:problem:invalid-request"))
                .body("title", equalTo("Invalid lookup request"))
                .body("status", equalTo(400))
                .body("detail", notNullValue());
        upstream.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void refusesAnOverlongIdentifierWithoutCallingTheUpstream() {
        given().when().get("/inboxes/" + "a".repeat(256) + "/contacts/def/conversations/1")
                .then().statusCode(400)
                .body("detail", equalTo("inbox_identifier must be at most 255 characters long"));
        given().when().get("/inboxes/abc/contacts/" + "c".repeat(256) + "/conversations/1")
                .then().statusCode(400)
                .body("detail", equalTo("contact_identifier must be at most 255 characters long"));
        upstream.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void acceptsTheLargestConversationIdAndLongestIdentifiers() {
        TestConversation conversation = new TestConversation("i".repeat(255), "c".repeat(255), Long.MAX_VALUE);
        upstream.stubFor(OmnivibeStub.answering(conversation, Bodies.resource("example.json")));

        lookUp(conversation.lookupPath());
    }

    @Test
    void hasNoWebhookEndpointWithoutASecret() {
        given().contentType("application/json").body("{\"event\":\"message_created\"}").when().post("/webhooks/chatwoot")
                .then().statusCode(404).contentType("application/problem+json");
        given().contentType("application/json").body("{}").when().post("/webhooks/chatwoot/0123456789abcdef0123456789abcdef")
                .then().statusCode(404);
    }

    @Test
    void answersUnknownPathsAndMethodsWithProblems() {
        given().when().get("/nothing-here").then().statusCode(404).contentType("application/problem+json");
        List<String> allowed = given().when().post(TestConversation.fresh().lookupPath()).then().statusCode(405)
                .contentType("application/problem+json")
                .extract().headers().getValues("Allow");
        // One header with a list, or (through API Gateway, on Lambda) one header a method.
        assertThat(allowed.stream().flatMap(value -> Arrays.stream(value.split(",\\s*")))).containsExactlyInAnyOrder("GET", "HEAD", "OPTIONS");
        upstream.verify(0, anyRequestedFor(anyUrl()));
    }
}

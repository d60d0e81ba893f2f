package io.omnivibe.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import static io.restassured.RestAssured.given;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.omnivibe.testing.Bodies;
import io.omnivibe.testing.CircuitNeverOpens;
import io.omnivibe.testing.InjectOmnivibeStub;
import io.omnivibe.testing.Metrics;
import io.omnivibe.testing.OmnivibeStub;
import io.omnivibe.testing.TestConversation;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** Polling clients: every answer carries a strong ETag, and a current one gets 304 without the body. */
@QuarkusTest
@WithTestResource(OmnivibeStub.class)
@TestProfile(CircuitNeverOpens.class)
class ConditionalLookupTest {

    @InjectOmnivibeStub
    WireMockServer upstream;

    @BeforeEach
    void resetUpstream() {
        upstream.resetAll();
    }

    private static String etagOf(TestConversation conversation) {
        return given().when().get(conversation.lookupPath())
                .then().statusCode(200)
                .extract().header("ETag");
    }

    @Test
    void theSameBytesGetTheSameStrongTagAndOtherBytesAnother() {
        TestConversation first = TestConversation.fresh();
        TestConversation second = TestConversation.fresh();
        upstream.stubFor(OmnivibeStub.answering(first, Bodies.resource("example.json")));
        upstream.stubFor(OmnivibeStub.answering(second, Bodies.resource("example.json")));

        String tag = etagOf(first);
        assertThat(tag).matches("\"[A-Za-z0-9_-]{22}\"");
        assertThat(etagOf(first)).isEqualTo(tag);
        assertThat(etagOf(second)).isEqualTo(tag);

        upstream.stubFor(OmnivibeStub.answering(first, "{\"id\":1,\"messages\":[]}".getBytes(StandardCharsets.UTF_8)));
        assertThat(etagOf(first)).isNotEqualTo(tag);
    }

    @ParameterizedTest
    @ValueSource(strings = { "%s", "W/%s", "\"other\", %s", "\"other\",W/%s ,\"more\"", "*" })
    void aCurrentTagGets304WithoutABodyAfterReadingTheUpstream(String ifNoneMatch) {
        TestConversation conversation = TestConversation.fresh();
        upstream.stubFor(OmnivibeStub.answering(conversation, Bodies.resource("example.json")));
        String tag = etagOf(conversation);
        double notModifiedBefore = Metrics.value("omnivibe_lookups_not_modified_total");

        given().header("If-None-Match", ifNoneMatch.formatted(tag))
                .when().get(conversation.lookupPath())
                .then().statusCode(304)
                .header("ETag", tag)
                .header("Cache-Control", "private, no-cache")
                .header("X-Cache", nullValue())
                .body(emptyString());

        // Both lookups read the upstream: a 304 is as current as a 200.
        upstream.verify(2, getRequestedFor(urlPathEqualTo(conversation.upstreamPath())));
        assertThat(Metrics.value("omnivibe_lookups_not_modified_total")).isEqualTo(notModifiedBefore + 1);
    }

    @ParameterizedTest
    @ValueSource(strings = { "\"other\"", "\"\"", "not-a-tag", "W/\"other\", \"again\"" })
    void anOutdatedOrUnreadableTagGetsTheWholeDocument(String ifNoneMatch) {
        TestConversation conversation = TestConversation.fresh();
        byte[] body = Bodies.resource("example.json");
        upstream.stubFor(OmnivibeStub.answering(conversation, body));

        byte[] answer = given().header("If-None-Match", ifNoneMatch)
                .when().get(conversation.lookupPath())
                .then().statusCode(200)
                .header("ETag", not(emptyString()))
                .extract().asByteArray();
        assertThat(answer).isEqualTo(body);
    }

    @Test
    void theTagOfAChangedConversationNoLongerMatches() {
        TestConversation conversation = TestConversation.fresh();
        upstream.stubFor(OmnivibeStub.answering(conversation, Bodies.resource("example.json")));
        String tag = etagOf(conversation);
        byte[] changed = "{\"id\":1,\"status\":\"resolved\"}".getBytes(StandardCharsets.UTF_8);
        upstream.stubFor(OmnivibeStub.answering(conversation, changed));

        byte[] answer = given().header("If-None-Match", tag)
                .when().get(conversation.lookupPath())
                .then().statusCode(200)
                .header("ETag", not(equalTo(tag)))
                .extract().asByteArray();
        assertThat(answer).isEqualTo(changed);
    }

    @Test
    void aStaleCopyCarriesItsTagAndAnswers304ToIt() {
        TestConversation conversation = TestConversation.fresh();
        byte[] body = Bodies.resource("example.json");
        upstream.stubFor(OmnivibeStub.answering(conversation, body));
        String tag = etagOf(conversation);
        upstream.stubFor(get(urlPathEqualTo(conversation.upstreamPath())).willReturn(aResponse().withStatus(500)));

        byte[] stale = given().when().get(conversation.lookupPath())
                .then().statusCode(200)
                .header("X-Cache", "STALE")
                .header("ETag", tag)
                .extract().asByteArray();
        assertThat(stale).isEqualTo(body);

        given().header("If-None-Match", tag)
                .when().get(conversation.lookupPath())
                .then().statusCode(304)
                .header("X-Cache", "STALE")
                .header("ETag", tag)
                .header("Age", not(emptyString()))
                .body(emptyString());
    }
}

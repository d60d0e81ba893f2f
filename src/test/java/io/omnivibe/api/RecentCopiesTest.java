package io.omnivibe.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import static io.restassured.RestAssured.given;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.github.tomakehurst.wiremock.WireMockServer;

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
import io.restassured.response.Response;

/**
 * Polling within the freshness window: a hit answers what the lookup that fetched the copy
 * answered, byte for byte and header for header, with {@code X-Cache: HIT} and {@code Age}, and
 * is counted, logged and revalidated like any other lookup, whatever form its request takes.
 */
@QuarkusTest
@WithTestResource(OmnivibeStub.class)
@TestProfile(RecentCopiesTest.MinuteWindow.class)
public class RecentCopiesTest {

    public static class MinuteWindow extends CircuitNeverOpens {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
            overrides.put("lookup.fresh-for-ms", "60000");
            return overrides;
        }
    }

    private static final String RECENT_200 = "omnivibe_lookups_seconds_count";

    @InjectOmnivibeStub
    WireMockServer upstream;

    private TestConversation conversation;

    @BeforeEach
    void fetchOnce() {
        upstream.resetAll();
        conversation = TestConversation.fresh();
        upstream.stubFor(OmnivibeStub.answering(conversation, Bodies.resource("example.json")));
    }

    private long upstreamCalls() {
        return upstream.countRequestsMatching(getRequestedFor(urlPathEqualTo(conversation.upstreamPath())).build()).getCount();
    }

    @Test
    void aHitAnswersTheFetchedBytesAndHeadersWithXCacheAndAge() {
        Response fetched = given().when().get(conversation.lookupPath());
        fetched.then().statusCode(200).header("X-Cache", nullValue()).header("Age", nullValue());
        double hitsBefore = Metrics.value(RECENT_200, "outcome=recent", "status=200");

        for (int i = 0; i < 3; i++) {
            Response hit = given().when().get(conversation.lookupPath());
            hit.then().statusCode(200).header("X-Cache", "HIT").header("Age", matchesPattern("[0-9]{1,2}"));
            assertThat(hit.asByteArray()).isEqualTo(Bodies.resource("example.json"));
            for (String header : new String[] { "ETag", "Cache-Control", "Content-Type", "Content-Length" }) {
                assertThat(hit.header(header)).as(header).isEqualTo(fetched.header(header));
            }
        }
        assertThat(upstreamCalls()).isEqualTo(1);
        assertThat(Metrics.value(RECENT_200, "outcome=recent", "status=200")).isEqualTo(hitsBefore + 3);
    }

    @ParameterizedTest
    @ValueSource(strings = { "%s", "W/%s", "\"other\", %s", "*" })
    void aHitWithTheCurrentTagGets304WithoutABody(String ifNoneMatch) {
        String tag = given().when().get(conversation.lookupPath()).then().statusCode(200).extract().header("ETag");
        double notModified = Metrics.value("omnivibe_lookups_not_modified_total");

        given().header("If-None-Match", ifNoneMatch.formatted(tag)).when().get(conversation.lookupPath())
                .then().statusCode(304).header("ETag", tag).header("X-Cache", "HIT").header("Age", matchesPattern("[0-9]{1,2}"))
                .header("Cache-Control", "private, no-cache").body(equalTo(""));
        given().header("If-None-Match", "\"other\"").when().get(conversation.lookupPath())
                .then().statusCode(200).header("X-Cache", "HIT");

        assertThat(upstreamCalls()).isEqualTo(1);
        assertThat(Metrics.value("omnivibe_lookups_not_modified_total")).isEqualTo(notModified + 1);
    }

    /** Requests in these forms are answered by the resource: the same hit, the same headers. */
    @ParameterizedTest
    @ValueSource(strings = { "percent-encoded", "accept-list", "head" })
    void aHitAskedInAnotherFormIsTheSameHit(String form) {
        Response fetched = given().when().get(conversation.lookupPath());
        String encoded = conversation.lookupPath().replace("/conversations/", "/%63onversations/");
        Response hit = switch (form) {
            case "percent-encoded" -> given().urlEncodingEnabled(false).when().get(encoded);
            case "accept-list" -> given().header("Accept", "application/json, text/plain, */*").when().get(conversation.lookupPath());
            default -> given().when().head(conversation.lookupPath());
        };
        hit.then().statusCode(200).header("X-Cache", "HIT").header("Age", matchesPattern("[0-9]{1,2}"))
                .header("ETag", fetched.header("ETag")).header("Cache-Control", fetched.header("Cache-Control"));
        assertThat(upstreamCalls()).isEqualTo(1);
    }

    @Test
    void aHitRefusesWhatDoesNotAcceptJson() {
        given().when().get(conversation.lookupPath()).then().statusCode(200);
        given().header("Accept", "text/html").when().get(conversation.lookupPath()).then().statusCode(406);
        assertThat(upstreamCalls()).isEqualTo(1);
    }

    @Test
    void aHitIsLoggedAsRecent() {
        given().when().get(conversation.lookupPath()).then().statusCode(200);
        String logged;
        try (CapturedLog log = CapturedLog.attach()) {
            given().when().get(conversation.lookupPath()).then().statusCode(200).header("X-Cache", "HIT");
            logged = log.text();
        }
        assertThat(logged).containsPattern("Lookup inbox \\S+ contact \\S+ conversation \\d+ outcome=recent status=200 attempts=0 duration=\\d+ms cache=recent")
                .doesNotContain(conversation.inboxIdentifier()).doesNotContain(conversation.contactIdentifier());
    }
}

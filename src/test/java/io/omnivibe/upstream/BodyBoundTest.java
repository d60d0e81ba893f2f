package io.omnivibe.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import static io.restassured.RestAssured.given;

import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.omnivibe.testing.Bodies;
import io.omnivibe.testing.InjectOmnivibeStub;
import io.omnivibe.testing.OmnivibeStub;
import io.omnivibe.testing.TestConversation;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A conversation longer than the body bound, with or without {@code Content-Length}: one upstream
 * call per lookup (never retried), a 502 of its own type, and no circuit opened for the other
 * conversations however often it is looked up. Bodies at the bound and below are answered whole.
 */
@QuarkusTest
@WithTestResource(OmnivibeStub.class)
@TestProfile(BodyBoundTest.SixtyFourKibibytes.class)
class BodyBoundTest {

    /** A 64 KiB bound, and a circuit that two failing lookups in a row would open. */
    public static class SixtyFourKibibytes implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lookup.upstream.max-body-bytes", "65536",
                    "lookup.circuit-breaker.window", "2",
                    "lookup.circuit-breaker.failure-ratio", "0.5");
        }
    }

    @InjectOmnivibeStub
    WireMockServer upstream;

    @Test
    void refusesALongerBodyOnceALookupWithoutOpeningTheCircuit() {
        TestConversation large = TestConversation.fresh();
        upstream.stubFor(OmnivibeStub.answering(large, Bodies.largeConversation(70_000)));

        for (int lookup = 1; lookup <= 4; lookup++) {
            given().when().get(large.lookupPath())
                    .then().statusCode(502)
                    .contentType("application/problem+json")
                    .body("type", equalTo("urn:omnivibe-lookup:problem:upstream-body-too-large"));
        }

        upstream.verify(4, getRequestedFor(urlPathEqualTo(large.upstreamPath())));
        TestConversation small = TestConversation.fresh();
        byte[] smallBody = Bodies.largeConversation(15_000);
        upstream.stubFor(OmnivibeStub.answering(small, smallBody));
        assertThat(given().when().get(small.lookupPath()).then().statusCode(200).extract().asByteArray()).isEqualTo(smallBody);
    }

    @Test
    void refusesALongerChunkedBodyWhenItPassesTheBound() {
        TestConversation large = TestConversation.fresh();
        upstream.stubFor(get(urlPathEqualTo(large.upstreamPath())).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(Bodies.largeConversation(200_000))
                .withChunkedDribbleDelay(50, 200)));

        given().when().get(large.lookupPath())
                .then().statusCode(502)
                .body("type", equalTo("urn:omnivibe-lookup:problem:upstream-body-too-large"));
        upstream.verify(1, getRequestedFor(urlPathEqualTo(large.upstreamPath())));
    }

    @Test
    void answersABodyAtTheBoundWhole() {
        TestConversation atTheBound = TestConversation.fresh();
        byte[] body = Bodies.largeConversation(40_000);
        byte[] padded = new byte[65_536];
        System.arraycopy(body, 0, padded, 0, body.length);
        Arrays.fill(padded, body.length, padded.length, (byte) ' ');
        upstream.stubFor(OmnivibeStub.answering(atTheBound, padded));

        assertThat(given().when().get(atTheBound.lookupPath()).then().statusCode(200).extract().asByteArray()).isEqualTo(padded);
        assertThat(given().when().get(atTheBound.lookupPath()).then().statusCode(200).extract().asByteArray())
                .as("the same body again, compared as it arrives").isEqualTo(padded);
    }
}

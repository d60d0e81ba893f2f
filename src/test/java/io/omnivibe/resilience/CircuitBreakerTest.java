package io.omnivibe.resilience;

import io.omnivibe.testing.Management;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import static io.restassured.RestAssured.given;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.omnivibe.testing.Bodies;
import io.omnivibe.testing.InjectOmnivibeStub;
import io.omnivibe.testing.Metrics;
import io.omnivibe.testing.OmnivibeStub;
import io.omnivibe.testing.TestConversation;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The circuit opens on a failing upstream, fails fast without calling it, serves stale copies, and
 * after its delay closes again once its trial lookups succeed. The window is four lookups here.
 */
@QuarkusTest
@WithTestResource(OmnivibeStub.class)
@TestProfile(CircuitBreakerTest.OwnInstance.class)
class CircuitBreakerTest {

    /** A service instance of its own, so that the circuit starts closed whatever ran before. */
    public static class OwnInstance implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lookup.circuit-breaker.window", "4", "lookup.circuit-breaker.delay-ms", "10000");
        }
    }

    @InjectOmnivibeStub
    WireMockServer upstream;

    @Test
    void opensOnAFailingUpstreamFailsFastServesStaleCopiesAndTriesAgainAfterTheDelay() {
        upstream.resetAll();
        TestConversation known = TestConversation.fresh();
        byte[] knownBody = Bodies.resource("example.json");
        upstream.stubFor(get(urlPathEqualTo(known.upstreamPath())).willReturn(aResponse().withStatus(200).withBody(knownBody)));
        given().when().get(known.lookupPath()).then().statusCode(200);

        upstream.stubFor(get(anyUrl()).atPriority(1).willReturn(aResponse().withStatus(500)));
        TestConversation failing = TestConversation.fresh();
        // After the one success, three failed lookups fill the window of four: each counts once,
        // whatever the number of its attempts.
        for (int i = 0; i < 2; i++) {
            given().when().get(failing.lookupPath()).then().statusCode(502);
            Management.given().when().get("/q/health/ready").then()
                    .body("checks.find { it.name == 'omnivibe-upstream' }.data.circuit", equalTo("closed"));
        }
        given().when().get(failing.lookupPath()).then().statusCode(502);
        Management.given().when().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'omnivibe-upstream' }.data.circuit", equalTo("open"));

        assertThat(Metrics.value("omnivibe_upstream_circuit_state", "state=open")).isEqualTo(1);
        assertThat(Metrics.value("omnivibe_upstream_circuit_state", "state=closed")).isEqualTo(0);
        assertThat(Metrics.value("ft_circuitbreaker_opened_total")).isEqualTo(1);

        int callsWhenOpened = upstream.findAll(anyRequestedFor(anyUrl())).size();
        TestConversation other = TestConversation.fresh();
        long started = System.nanoTime();
        String retryAfter = given().when().get(other.lookupPath()).then()
                .statusCode(503)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:omnivibe-lookup:problem:circuit-open"))
                .extract().header("Retry-After");
        // At once, without an attempt (the upstream call count below says none was made).
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        assertThat(Integer.parseInt(retryAfter)).isBetween(1, 10);

        byte[] stale = given().when().get(known.lookupPath()).then()
                .statusCode(200).header("X-Cache", "STALE").extract().asByteArray();
        assertThat(stale).isEqualTo(knownBody);
        assertThat(upstream.findAll(anyRequestedFor(anyUrl()))).hasSize(callsWhenOpened);

        upstream.resetAll();
        upstream.stubFor(get(urlPathEqualTo(other.upstreamPath())).willReturn(aResponse().withStatus(200).withBody(knownBody)));
        long opened = System.nanoTime();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500))
                .until(() -> given().when().get(other.lookupPath()).then().extract().statusCode() == 200);
        assertThat(Duration.ofNanos(System.nanoTime() - opened)).isGreaterThan(Duration.ofSeconds(5));
        upstream.verify(1, getRequestedFor(urlPathEqualTo(other.upstreamPath())));
        // Three trial lookups must succeed before the circuit closes.
        Management.given().when().get("/q/health/ready").then()
                .body("checks.find { it.name == 'omnivibe-upstream' }.data.circuit", equalTo("half_open"));
        for (int trial = 2; trial <= 3; trial++) {
            given().when().get(other.lookupPath()).then().statusCode(200).header("X-Cache", nullValue());
        }
        Management.given().when().get("/q/health/ready").then()
                .body("checks.find { it.name == 'omnivibe-upstream' }.data.circuit", equalTo("closed"));
        assertThat(Metrics.value("omnivibe_upstream_circuit_state", "state=closed")).isEqualTo(1);
        assertThat(Metrics.value("omnivibe_upstream_circuit_state", "state=open")).isEqualTo(0);
    }
}

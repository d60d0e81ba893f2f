package io.omnivibe.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.notNullValue;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

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

/**
 * The three settings the README offers to users who read no traces, no {@code ft_*} metrics and no
 * lookup log lines: lookups are answered as before, and only those three things are gone.
 */
@QuarkusTest
@WithTestResource(OmnivibeStub.class)
@TestProfile(LeanObservabilityTest.Lean.class)
class LeanObservabilityTest {

    public static class Lean extends CircuitNeverOpens {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
            overrides.put("quarkus.otel.sdk.disabled", "true");
            overrides.put("quarkus.fault-tolerance.metrics.enabled", "false");
            overrides.put("quarkus.log.category.\"io.omnivibe.observability\".level", "WARN");
            return overrides;
        }
    }

    @InjectOmnivibeStub
    WireMockServer upstream;

    @Test
    void answersLookupsWithoutTracesFaultToleranceMetricsOrTheLookupLogLine() {
        TestConversation conversation = TestConversation.fresh();
        upstream.stubFor(get(urlPathEqualTo(conversation.upstreamPath()))
                .willReturn(aResponse().withStatus(200).withBody(Bodies.resource("example.json"))));

        String logged;
        try (CapturedLog log = CapturedLog.attach()) {
            given().when().get(conversation.lookupPath()).then().statusCode(200).header("ETag", notNullValue());
            logged = log.text();
        }

        assertThat(logged).doesNotContain(LookupObserver.class.getName()).doesNotContain("traceId=");
        assertThat(Metrics.scrape().lines()).noneMatch(line -> line.startsWith("ft_"));
        assertThat(Metrics.value("omnivibe_lookups_seconds_count", "outcome=fresh", "status=200")).isEqualTo(1);
    }
}

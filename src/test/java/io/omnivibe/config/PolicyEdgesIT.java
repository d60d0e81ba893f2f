package io.omnivibe.config;

import static org.assertj.core.api.Assertions.assertThat;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.omnivibe.testing.Bodies;
import io.omnivibe.testing.PackagedService;

/**
 * Every lookup policy at an edge of its range still gives a service that answers lookups: a
 * combination the ranges allow must not fail where nothing checks it, when the first lookup builds
 * what the settings describe. The budget and the attempt timeout keep their defaults (an attempt of
 * 1 ms cannot read a conversation; a failure answered within seconds needs a budget of seconds), and
 * the shared store's settings, which need a Redis, are not set.
 */
class PolicyEdgesIT {

    private static final String LOOKUP = "/inboxes/edge-inbox/contacts/edge-contact/conversations/";

    private WireMockServer upstream;

    @BeforeEach
    void upstreamWithOneFailingConversation() {
        upstream = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        upstream.start();
        upstream.stubFor(get(urlPathMatching("/public/api/v1/inboxes/.*")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(Bodies.resource("example.json"))));
        upstream.stubFor(get(urlPathEqualTo("/public/api/v1" + LOOKUP + 2)).atPriority(1)
                .willReturn(aResponse().withStatus(500)));
    }

    @AfterEach
    void stopUpstream() {
        upstream.stop();
    }

    @Test
    void answersWithEveryPolicyAtTheTopOfItsRange() throws Exception {
        answersLookups(Map.ofEntries(
                Map.entry("LOOKUP_ATTEMPT_TIMEOUT_MS", "300000"),
                Map.entry("LOOKUP_UPSTREAM_MAX_CALLS_PER_MINUTE", String.valueOf(PolicyRanges.MAX_CALLS_PER_MINUTE)),
                Map.entry("LOOKUP_RETRY_MAX_RETRIES", "10"),
                Map.entry("LOOKUP_RETRY_INITIAL_DELAY_MS", "60000"),
                Map.entry("LOOKUP_CIRCUIT_BREAKER_WINDOW", "1000000"),
                Map.entry("LOOKUP_CIRCUIT_BREAKER_FAILURE_RATIO", "1"),
                Map.entry("LOOKUP_CIRCUIT_BREAKER_DELAY_MS", "3600000"),
                Map.entry("LOOKUP_CIRCUIT_BREAKER_TRIAL_LOOKUPS", "1000"),
                Map.entry("LOOKUP_BULKHEAD_MAX_IN_FLIGHT", "10000"),
                Map.entry("LOOKUP_STALE_MAX_ENTRIES", "10000000"),
                Map.entry("LOOKUP_STALE_MAX_AGE_MS", "604800000"),
                Map.entry("LOOKUP_FRESH_FOR_MS", "600000")));
    }

    @Test
    void answersWithEveryPolicyAtTheBottomOfItsRange() throws Exception {
        answersLookups(Map.ofEntries(
                Map.entry("LOOKUP_UPSTREAM_MAX_CALLS_PER_MINUTE", "0"),
                Map.entry("LOOKUP_RETRY_MAX_RETRIES", "0"),
                Map.entry("LOOKUP_RETRY_INITIAL_DELAY_MS", "0"),
                Map.entry("LOOKUP_CIRCUIT_BREAKER_WINDOW", "1"),
                Map.entry("LOOKUP_CIRCUIT_BREAKER_FAILURE_RATIO", "0.001"),
                Map.entry("LOOKUP_CIRCUIT_BREAKER_DELAY_MS", "0"),
                Map.entry("LOOKUP_CIRCUIT_BREAKER_TRIAL_LOOKUPS", "1"),
                Map.entry("LOOKUP_BULKHEAD_MAX_IN_FLIGHT", "1"),
                Map.entry("LOOKUP_STALE_MAX_ENTRIES", "1"),
                Map.entry("LOOKUP_STALE_MAX_BYTES", "1"),
                Map.entry("LOOKUP_STALE_MAX_AGE_MS", "1"),
                Map.entry("LOOKUP_FRESH_FOR_MS", "0")));
    }

    private void answersLookups(Map<String, String> settings) throws Exception {
        Map<String, String> environment = new HashMap<>(settings);
        environment.put("OMNIVIBE_BASE_URL", upstream.baseUrl());
        try (PackagedService service = PackagedService.start(List.of(), environment)) {
            assertThat(service.get(LOOKUP + 1).statusCode()).as(service.console()).isEqualTo(200);

            long started = System.nanoTime();
            HttpResponse<byte[]> failed = service.get(LOOKUP + 2);
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(failed.statusCode()).as(service.console()).isEqualTo(502);
            // No retry fits the 5 s budget at the top of the range; none is allowed at the bottom.
            assertThat(took).isLessThan(Duration.ofSeconds(4));
            upstream.verify(1, getRequestedFor(urlPathEqualTo("/public/api/v1" + LOOKUP + 2)));
        }
    }
}

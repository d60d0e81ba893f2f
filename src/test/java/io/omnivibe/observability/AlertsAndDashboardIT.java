package io.omnivibe.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;

import io.omnivibe.testing.ChatwootConversation;
import io.omnivibe.testing.ChatwootDeliveries;
import io.omnivibe.testing.EmbeddedRedis;
import io.omnivibe.testing.Fleet;
import io.omnivibe.testing.PackagedService;
import io.omnivibe.testing.RealPrometheus;
import io.omnivibe.testing.TestConversation;

/**
 * What an operator sees: a real Prometheus scrapes the packaged service (JVM or native, with a real
 * Redis and webhooks on), loads the shipped alert rules and answers every query of the shipped
 * dashboard. An upstream outage makes the circuit alert pending, then firing, and it resolves once
 * the upstream is back. The rules' {@code for:} durations are cut to seconds here (promtool's
 * tests, deploy/prometheus, hold them at their real lengths); their expressions are the shipped ones.
 */
class AlertsAndDashboardIT {

    static final Path RULES = Path.of("deploy", "prometheus", "omnivibe-lookup.rules.yml");
    static final Path DASHBOARD = Path.of("deploy", "grafana", "omnivibe-lookup.json");
    private static final String JOB = "omnivibe-lookup";
    private static final String CIRCUIT_ALERT = "OmnivibeLookupCircuitOpen";
    private static final String WEBHOOK_SECRET = "Nq5Tz8Wb2Lr6Vx3Kc9Hm4Pd7";
    private static final byte[] CONVERSATION = "{\"id\":7,\"messages\":[],\"status\":\"open\"}".getBytes(StandardCharsets.UTF_8);

    private static EmbeddedRedis redis;
    private static WireMockServer upstream;
    private static Fleet fleet;
    private static PackagedService service;
    private static RealPrometheus prometheus;

    @BeforeAll
    static void startServiceAndPrometheus() throws Exception {
        Optional<Path> binary = RealPrometheus.binary("prometheus");
        Assumptions.assumeTrue(binary.isPresent(),
                "No prometheus on the PATH (Debian: apt-get install prometheus): the alert and dashboard test is skipped.");
        redis = EmbeddedRedis.start();
        upstream = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        upstream.start();
        upstream.stubFor(get(urlPathMatching("/public/api/v1/inboxes/.*")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(CONVERSATION)));
        fleet = new Fleet(upstream, redis);
        // A circuit that judges on 4 lookups and tries again after 2 s, so that an outage opens it
        // and a recovery closes it within seconds.
        service = fleet.start(1, Map.of("LOOKUP_FRESH_FOR_MS", "60000", "LOOKUP_WEBHOOKS_SECRET", WEBHOOK_SECRET,
                "LOOKUP_CIRCUIT_BREAKER_WINDOW", "4", "LOOKUP_CIRCUIT_BREAKER_DELAY_MS", "2000")).get(0);
        String rules = Files.readString(RULES).replaceAll("(?m)^(\\s+)for: \\d+m$", "$1for: 3s");
        prometheus = RealPrometheus.start(binary.get(), JOB, service.managementAddress(), rules);
        await().atMost(Duration.ofSeconds(30)).until(prometheus::targetUp);
        assertThat(prometheus.ruleNames()).as("the rules Prometheus loaded").containsExactlyElementsOf(alertNames()).contains(CIRCUIT_ALERT);
        assertThat(circuitAlert()).as("the circuit alert before any outage").isEmpty();
    }

    @AfterAll
    static void stopAll() throws Exception {
        for (AutoCloseable part : new AutoCloseable[] {prometheus, fleet, redis}) {
            if (part != null) {
                part.close();
            }
        }
        if (upstream != null) {
            upstream.stop();
        }
    }

    @Test
    void anUpstreamOutageFiresTheCircuitAlertWhichResolvesOnceTheUpstreamIsBack() throws Exception {
        StubMapping outage = upstream.stubFor(get(anyUrl()).atPriority(1).willReturn(aResponse().withStatus(500)));
        try {
            assertCircuitAlertFires();
        } finally {
            upstream.removeStub(outage);
        }

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> {
            service.get(TestConversation.fresh().lookupPath());
            return circuitAlert().isEmpty();
        });
        assertThat(service.metric("omnivibe_upstream_circuit_state", "state=\"closed\"")).isEqualTo(1.0);
    }

    private static void assertCircuitAlertFires() throws Exception {
        Set<String> statesSeen = new LinkedHashSet<>();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> {
            service.get(TestConversation.fresh().lookupPath());
            circuitAlertState().ifPresent(statesSeen::add);
            return statesSeen.contains("firing");
        });
        assertThat(statesSeen).containsExactly("pending", "firing");
        JsonNode firing = circuitAlert().orElseThrow();
        assertThat(firing.path("labels").path("job").asText()).isEqualTo(JOB);
        assertThat(firing.path("labels").path("severity").asText()).isEqualTo("critical");
        assertThat(firing.path("annotations").path("summary").asText())
                .isEqualTo("The upstream has failed for 3 minutes: the circuit is open on 1 instance(s) of omnivibe-lookup.");
    }

    @Test
    void everyDashboardQueryReturnsDataFromTheRunningService() throws Exception {
        TestConversation conversation = TestConversation.fresh();
        assertThat(service.get(conversation.lookupPath()).statusCode()).isEqualTo(200);
        assertThat(service.get(conversation.lookupPath()).headers().firstValue("X-Cache")).hasValue("HIT");
        ChatwootConversation changed = ChatwootConversation.fresh();
        String event = changed.messageCreated("a new message");
        String now = Long.toString(System.currentTimeMillis() / 1000);
        assertThat(service.post(ChatwootDeliveries.PATH, Map.of("Content-Type", "application/json", "X-Chatwoot-Timestamp", now,
                "X-Chatwoot-Signature", ChatwootDeliveries.signature(WEBHOOK_SECRET, now, event)),
                event.getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(200);
        // One conversation failing: its lookups are retried, without opening the circuit for the others.
        TestConversation failing = TestConversation.fresh();
        upstream.stubFor(get(urlPathMatching(failing.upstreamPath())).atPriority(1).willReturn(aResponse().withStatus(500)));
        assertThat(service.get(failing.lookupPath()).statusCode()).isEqualTo(502);

        List<String> queries = dashboardQueries();
        assertThat(queries).hasSizeGreaterThan(30);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(queriesWithoutData(queries)).as("dashboard queries without data").isEmpty());
    }

    private static List<String> queriesWithoutData(List<String> queries) throws IOException, InterruptedException {
        List<String> empty = new ArrayList<>();
        for (String query : queries) {
            if (prometheus.query(asGrafanaSendsIt(query)).isEmpty()) {
                empty.add(query);
            }
        }
        return empty;
    }

    private static Optional<String> circuitAlertState() throws IOException, InterruptedException {
        return circuitAlert().map(alert -> alert.path("state").asText());
    }

    private static Optional<JsonNode> circuitAlert() throws IOException, InterruptedException {
        return prometheus.alerts().stream().filter(alert -> CIRCUIT_ALERT.equals(alert.path("labels").path("alertname").asText())).findFirst();
    }

    /** The alerts the rules file defines, in its order. */
    static List<String> alertNames() throws IOException {
        return Files.readString(RULES).lines().map(String::strip).filter(line -> line.startsWith("- alert: "))
                .map(line -> line.substring("- alert: ".length())).toList();
    }

    /** Every target's expression, in every panel. */
    static List<String> dashboardQueries() throws IOException {
        List<String> queries = new ArrayList<>();
        for (JsonNode panel : new ObjectMapper().readTree(DASHBOARD.toFile()).path("panels")) {
            panel.path("targets").forEach(target -> queries.add(target.path("expr").asText()));
        }
        return queries;
    }

    /** The dashboard's variables as Grafana fills them in: this job, every instance, a minute's rate. */
    private static String asGrafanaSendsIt(String query) {
        return query.replace("$job", JOB).replace("$instance", ".+").replace("$__rate_interval", "1m");
    }
}

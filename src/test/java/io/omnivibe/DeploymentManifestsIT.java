package io.omnivibe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/** The Kubernetes and Knative manifests the build generates, read as a cluster would read them. */
class DeploymentManifestsIT {

    private static final Path MANIFESTS = Path.of("target", "kubernetes");
    private static final ObjectMapper YAML = new YAMLMapper();
    /** quarkus.shutdown.delay + quarkus.shutdown.timeout, as application.properties sets them. */
    private static final int SHUTDOWN_DELAY_AND_TIMEOUT_SECONDS = seconds("quarkus.shutdown.delay") + seconds("quarkus.shutdown.timeout");
    /** How long Knative's queue-proxy drains a revision's pod (with no new request) before the service gets SIGTERM. */
    private static final int KNATIVE_DRAIN_SECONDS = 30;

    private static int seconds(String property) {
        try (InputStream in = Files.newInputStream(Path.of("src", "main", "resources", "application.properties"))) {
            Properties properties = new Properties();
            properties.load(in);
            return Integer.parseInt(properties.getProperty(property).replace("s", ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<JsonNode> documents(String file) throws IOException {
        return YAML.readValues(new YAMLFactory().createParser(MANIFESTS.resolve(file).toFile()), JsonNode.class).readAll();
    }

    private static JsonNode only(List<JsonNode> documents, String kind) {
        return documents.stream().filter(document -> document.path("kind").asText().equals(kind)).findFirst().orElseThrow();
    }

    @Test
    void kubernetesDeploymentProbesHealthTakesTheUpstreamFromAConfigMapAndRunsAsNonRoot() throws IOException {
        JsonNode pod = only(documents("kubernetes.yml"), "Deployment").path("spec").path("template").path("spec");
        JsonNode container = pod.path("containers").get(0);

        assertEnvironmentAndResources(container);
        // Probes on the management port, which the Service does not expose.
        assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/q/health/live");
        assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/q/health/ready");
        assertThat(container.path("livenessProbe").path("httpGet").path("port").asInt()).isEqualTo(9000);
        assertThat(container.path("readinessProbe").path("httpGet").path("port").asInt()).isEqualTo(9000);
        assertThat(only(documents("kubernetes.yml"), "Service").path("spec").path("ports").findValuesAsText("targetPort"))
                .containsExactly("8080");
        assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.path("terminationGracePeriodSeconds").asInt()).as("shutdown delay + timeout + margin")
                .isGreaterThanOrEqualTo(SHUTDOWN_DELAY_AND_TIMEOUT_SECONDS + 2);
        assertThat(pod.path("securityContext").path("runAsUser").asInt()).isNotZero();
        // The Prometheus Operator scrapes this service's pods only.
        JsonNode monitor = only(documents("kubernetes.yml"), "ServiceMonitor").path("spec");
        assertThat(monitor.path("selector").path("matchLabels").path("app.kubernetes.io/name").asText()).isEqualTo("omnivibe-lookup");
        assertThat(monitor.path("endpoints").findValuesAsText("targetPort")).containsExactly("9000");
    }

    @Test
    void thePrometheusRuleHoldsTheRulesFileAsItIs() throws IOException {
        JsonNode rule = only(documents("prometheus-rule.yml"), "PrometheusRule");
        JsonNode rulesFile = YAML.readTree(Path.of("deploy", "prometheus", "omnivibe-lookup.rules.yml").toFile());

        assertThat(rule.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(rule.path("metadata").path("name").asText()).isEqualTo("omnivibe-lookup");
        assertThat(rule.path("spec")).isEqualTo(rulesFile);
        assertThat(rule.path("spec").path("groups").get(0).path("rules").size()).isGreaterThanOrEqualTo(10);
    }

    @Test
    void knativeServiceScalesToZeroProbesHealthAndRunsAsNonRoot() throws IOException {
        JsonNode template = only(documents("knative.yml"), "Service").path("spec").path("template");
        JsonNode container = template.path("spec").path("containers").get(0);

        assertThat(template.path("metadata").path("annotations").path("autoscaling.knative.dev/min-scale").asText()).isEqualTo("0");
        assertEnvironmentAndResources(container);
        // Knative only lets probes reach the port it serves (http1); health is not there.
        assertThat(container.path("livenessProbe").path("tcpSocket").path("port").asText()).isEqualTo("http1");
        assertThat(container.path("readinessProbe").path("tcpSocket").path("port").asText()).isEqualTo("http1");
        assertThat(container.path("ports").findValuesAsText("name")).containsExactly("http1");
        assertThat(container.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(container.path("securityContext").path("runAsUser").asInt()).isNotZero();
        assertThat(container.path("securityContext").path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
        // Knative's queue-proxy drains before the service hears of the shutdown (then a delay of
        // its own is pointless), and the revision's timeout, the pod's termination grace period,
        // must cover that drain, the lookups in flight and a margin.
        assertThat(container.path("env")).filteredOn(variable -> variable.path("name").asText().equals("QUARKUS_SHUTDOWN_DELAY"))
                .singleElement().satisfies(variable -> assertThat(variable.path("value").asText()).isEqualTo("0s"));
        assertThat(template.path("spec").path("timeoutSeconds").asInt()).as("queue-proxy's drain + shutdown timeout + margin")
                .isGreaterThanOrEqualTo(KNATIVE_DRAIN_SECONDS + seconds("quarkus.shutdown.timeout") + 2);
        // Knative makes its own Services: its pods are scraped through their annotations.
        assertThat(documents("knative.yml")).noneMatch(document -> document.path("kind").asText().equals("ServiceMonitor"));
    }

    private static void assertEnvironmentAndResources(JsonNode container) {
        assertThat(container.path("envFrom").findValuesAsText("name")).contains("omnivibe-lookup");
        // Not written into the manifest: the ConfigMap supplies it.
        assertThat(container.path("env").findValuesAsText("name")).doesNotContain("OMNIVIBE_BASE_URL");
        // The fleet's Redis and secret come from a Secret, when there is one: a pod without it keeps all in process.
        assertThat(container.path("envFrom").findValues("secretRef")).singleElement().satisfies(secret -> {
            assertThat(secret.path("name").asText()).isEqualTo("omnivibe-lookup-shared");
            assertThat(secret.path("optional").asBoolean()).isTrue();
        });
        assertThat(container.path("env").findValuesAsText("name")).doesNotContain("QUARKUS_REDIS_HOSTS", "LOOKUP_SHARED_SECRET");
        assertThat(container.path("resources").path("requests").path("memory").asText()).isEqualTo("128Mi");
        assertThat(container.path("resources").path("limits").path("memory").asText()).isEqualTo("256Mi");
    }
}

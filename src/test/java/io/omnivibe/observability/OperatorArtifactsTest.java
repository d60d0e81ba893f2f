package io.omnivibe.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.omnivibe.testing.RealPrometheus;

/**
 * The alert rules and the dashboard as shipped: each alert says how bad it is, what happened and
 * where the README says what to do; none groups or templates by anything but where it happened;
 * every dashboard query is scoped to the chosen job and instances. (What they show is tested
 * against a real Prometheus: AlertsAndDashboardIT, and promtool's tests in deploy/prometheus.)
 */
class OperatorArtifactsTest {

    /** The labels an alert may keep or name: where it happened, never what was looked up. */
    private static final Set<String> PLACES = Set.of("job", "namespace", "instance");
    private static final Pattern GROUPING = Pattern.compile("\\b(?:by|on) \\(([^)]*)\\)");
    private static final Pattern TEMPLATED_LABEL = Pattern.compile("\\$labels\\.(\\w+)");

    private static List<JsonNode> alerts() throws IOException {
        List<JsonNode> alerts = new ArrayList<>();
        new YAMLMapper().readTree(AlertsAndDashboardIT.RULES.toFile()).path("groups")
                .forEach(group -> group.path("rules").forEach(alerts::add));
        return alerts;
    }

    @Test
    void everyAlertSaysHowBadWhatHappenedAndWhereTheReadmeSaysWhatToDo() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        List<JsonNode> alerts = alerts();

        assertThat(alerts).hasSizeGreaterThanOrEqualTo(10);
        for (JsonNode alert : alerts) {
            String name = alert.path("alert").asText();
            assertThat(name).startsWith("OmnivibeLookup");
            assertThat(alert.path("labels").path("severity").asText()).as(name).isIn("critical", "warning", "info");
            assertThat(alert.path("annotations").path("summary").asText()).as(name).isNotBlank();
            assertThat(alert.path("annotations").path("description").asText()).as(name).isNotBlank();
            // GitHub's anchor for the heading "#### <name>".
            assertThat(alert.path("annotations").path("runbook_url").asText()).as(name).isEqualTo("README.md#" + name.toLowerCase());
            assertThat(readme).as("README section for " + name).contains("\n#### " + name + "\n");
        }
    }

    @Test
    void alertsAreGroupedAndWordedByWhereTheyHappenedOnly() throws IOException {
        for (JsonNode alert : alerts()) {
            Matcher grouping = GROUPING.matcher(alert.path("expr").asText());
            while (grouping.find()) {
                for (String label : grouping.group(1).split(",")) {
                    assertThat(label.strip()).as(alert.path("alert").asText()).isIn(PLACES);
                }
            }
            Matcher templated = TEMPLATED_LABEL.matcher(alert.path("annotations").toString());
            while (templated.find()) {
                assertThat(templated.group(1)).as(alert.path("alert").asText()).isIn(PLACES);
            }
        }
    }

    /** promtool checks the rules and runs their tests: series that must fire each alert, and series that must not. */
    @Test
    void promtoolChecksTheRulesAndTheirTestsPass() throws Exception {
        Optional<Path> promtool = RealPrometheus.binary("promtool");
        Assumptions.assumeTrue(promtool.isPresent(),
                "No promtool on the PATH (Debian: apt-get install prometheus): the rules' own tests are skipped.");

        assertThat(run(promtool.get(), "check", "rules", AlertsAndDashboardIT.RULES.toString())).contains("SUCCESS");
        assertThat(run(promtool.get(), "test", "rules", "deploy/prometheus/omnivibe-lookup.rules.test.yml")).contains("SUCCESS");
    }

    private static String run(Path tool, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(tool.toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + ":\n" + output).isZero();
        return output;
    }

    @Test
    void everyDashboardPanelQueriesTheChosenJobAndInstancesThroughTheChosenPrometheus() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(AlertsAndDashboardIT.DASHBOARD.toFile());
        assertThat(dashboard.path("templating").path("list").findValuesAsText("name")).containsExactly("datasource", "job", "instance");

        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(ids.add(panel.path("id").asInt())).as("panel id %s used once", panel.path("id")).isTrue();
            JsonNode place = panel.path("gridPos");
            assertThat(place.path("x").asInt() + place.path("w").asInt()).as(panel.path("title").asText()).isLessThanOrEqualTo(24);
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            assertThat(panel.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
            assertThat(panel.path("description").asText()).as(panel.path("title").asText()).isNotBlank();
            assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("expr").asText()).as(panel.path("title").asText()).contains("job=~\"$job\"");
                assertThat(target.path("refId").asText()).isNotBlank();
            }
        }
    }
}

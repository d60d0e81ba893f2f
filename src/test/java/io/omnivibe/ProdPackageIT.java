package io.omnivibe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.omnivibe.testing.PackagedService;

/**
 * The packaged application as production runs it: it carries no simulated upstream, without an
 * upstream URL it refuses to start with one line that says what to set, and its JSON logs carry
 * one line per lookup with its trace id and never an identifier.
 */
class ProdPackageIT {

    private static final Path APP = PackagedService.APP;
    private static final String INBOX = "Zk3PzR2mKw9TnB4vLc8YdH7q";
    private static final String CONTACT = "ana.costa+prod@example.com";

    @Test
    void shipsNoSimulatedUpstream() throws IOException {
        assumeFalse(PackagedService.isNative(), "checks the JVM package's libraries; a native build has none");
        assertThat(Files.readString(APP.resolve("quarkus-app-dependencies.txt")))
                .isNotBlank()
                .doesNotContainIgnoringCase("wiremock");
        try (var libraries = Files.walk(APP.resolve("lib"))) {
            assertThat(libraries.map(Path::toString)).noneMatch(name -> name.toLowerCase().contains("wiremock"));
        }
    }

    @Test
    void logsOneJsonLinePerLookupWithItsTraceIdAndNoIdentifier() throws Exception {
        // An upstream that refuses connections: three attempts, then 502.
        Map<String, String> environment = Map.of("OMNIVIBE_BASE_URL", "http://127.0.0.1:" + PackagedService.freePort(),
                "QUARKUS_LOG_CONSOLE_JSON", "true");
        List<String> lines;
        try (PackagedService service = PackagedService.start(List.of(), environment)) {
            assertThat(service.get("/inboxes/" + INBOX + "/contacts/" + CONTACT + "/conversations/7").statusCode()).isEqualTo(502);
            await().atMost(Duration.ofSeconds(10)).until(() -> service.console().contains("outcome=bad_gateway"));
            service.close();
            lines = service.console().lines().toList();
        }

        // The JVM itself may warn on plain stderr; everything the service logs is JSON.
        assertThat(lines).filteredOn(line -> line.contains("io.omnivibe") || line.contains("io.quarkus")).isNotEmpty()
                .allSatisfy(line -> assertThat(line).startsWith("{").endsWith("}"));
        assertThat(lines).filteredOn(line -> line.contains("outcome=")).singleElement().satisfies(line -> assertThat(line)
                .contains("status=502 attempts=3")
                .containsPattern("\"traceId\":\"[0-9a-f]{32}\""));
        assertThat(String.join("\n", lines)).doesNotContain(INBOX).doesNotContain(CONTACT);
    }

    @Test
    void refusesToStartWithoutAnUpstreamUrlSayingWhatToSet() throws Exception {
        ProcessBuilder launch = new ProcessBuilder(PackagedService.command(List.of("-Dquarkus.http.port=0"))).redirectErrorStream(true);
        launch.environment().remove("OMNIVIBE_BASE_URL");
        Process process = launch.start();

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exits on its own").isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).isNotZero();
        assertThat(output.lines().filter(line -> line.contains("OMNIVIBE_BASE_URL is not set")))
                .containsExactly("OMNIVIBE_BASE_URL is not set: set OMNIVIBE_BASE_URL to the http(s) base URL of your"
                        + " Omnivibe or Chatwoot, e.g. OMNIVIBE_BASE_URL=https://app.example.com");
        assertThat(output).doesNotContain("Listening on");
    }
}

package io.omnivibe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged application as production runs it: it carries no simulated upstream, without an
 * upstream URL it refuses to start with one line that says what to set, and its JSON logs carry
 * one line per lookup with its trace id and never an identifier.
 */
class ProdPackageIT {

    private static final Path APP = Path.of("target", "quarkus-app");
    private static final String INBOX = "Zk3PzR2mKw9TnB4vLc8YdH7q";
    private static final String CONTACT = "ana.costa+prod@example.com";

    @BeforeEach
    void jvmPackage() {
        assumeTrue(Files.isDirectory(APP), "checks the JVM package; a native build has none");
    }

    @Test
    void shipsNoSimulatedUpstream() throws IOException {
        assertThat(Files.readString(APP.resolve("quarkus-app-dependencies.txt")))
                .isNotBlank()
                .doesNotContainIgnoringCase("wiremock");
        try (var libraries = Files.walk(APP.resolve("lib"))) {
            assertThat(libraries.map(Path::toString)).noneMatch(name -> name.toLowerCase().contains("wiremock"));
        }
    }

    @Test
    void logsOneJsonLinePerLookupWithItsTraceIdAndNoIdentifier() throws Exception {
        int port = freePort();
        ProcessBuilder launch = new ProcessBuilder(java(), "-Dquarkus.http.port=" + port, "-jar",
                APP.resolve("quarkus-run.jar").toString()).redirectErrorStream(true);
        // An upstream that refuses connections: three attempts, then 502.
        launch.environment().put("OMNIVIBE_BASE_URL", "http://127.0.0.1:" + freePort());
        launch.environment().put("QUARKUS_LOG_CONSOLE_JSON", "true");
        Path output = Files.createTempFile("omnivibe-lookup", ".log");
        launch.redirectOutput(output.toFile());
        Process process = launch.start();
        try {
            HttpClient client = HttpClient.newHttpClient();
            URI lookup = URI.create("http://127.0.0.1:" + port + "/inboxes/" + INBOX + "/contacts/" + CONTACT + "/conversations/7");
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> client
                    .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/live")).build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode() == 200);

            assertThat(client.send(HttpRequest.newBuilder(lookup).build(), HttpResponse.BodyHandlers.discarding()).statusCode())
                    .isEqualTo(502);
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(output).contains("outcome=bad_gateway"));
        } finally {
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
        }

        List<String> lines = Files.readAllLines(output);
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
        ProcessBuilder launch = new ProcessBuilder(java(), "-Dquarkus.http.port=0", "-jar", APP.resolve("quarkus-run.jar").toString())
                .redirectErrorStream(true);
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

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}

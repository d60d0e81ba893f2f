package io.omnivibe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged application as production runs it: it carries no simulated upstream, and without
 * an upstream URL it refuses to start with one line that says what to set.
 */
class ProdPackageIT {

    private static final Path APP = Path.of("target", "quarkus-app");

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
    void refusesToStartWithoutAnUpstreamUrlSayingWhatToSet() throws Exception {
        ProcessBuilder launch = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.http.port=0", "-jar", APP.resolve("quarkus-run.jar").toString())
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
}

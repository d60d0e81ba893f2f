package io.omnivibe.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.omnivibe.testing.PackagedService;

/**
 * The packaged service (JVM or native), started with one setting out of its range, exits non-zero
 * before it listens, with a line naming the setting, its environment variable, the value and the
 * allowed range: a typo in a deployment is a failed rollout, not a silent outage.
 */
class SettingsIT {

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "LOOKUP_BUDGET_MS | 0 | lookup.budget-ms | a whole number from 1 to 300000 milliseconds",
            "LOOKUP_ATTEMPT_TIMEOUT_MS | -5 | lookup.attempt-timeout-ms | a whole number from 1 to 300000 milliseconds",
            "LOOKUP_CIRCUIT_BREAKER_FAILURE_RATIO | 1.5 | lookup.circuit-breaker.failure-ratio | a number more than 0 and at most 1",
            "LOOKUP_CIRCUIT_BREAKER_WINDOW | 0 | lookup.circuit-breaker.window | a whole number from 1 to 1000000 lookups",
            "LOOKUP_CIRCUIT_BREAKER_TRIAL_LOOKUPS | 0 | lookup.circuit-breaker.trial-lookups | a whole number from 1 to 1000 lookups",
            "LOOKUP_BULKHEAD_MAX_IN_FLIGHT | 0 | lookup.bulkhead.max-in-flight | a whole number from 1 to 10000 lookups",
            "LOOKUP_UPSTREAM_MAX_CALLS_PER_MINUTE | -1 | lookup.upstream.max-calls-per-minute | a whole number from 0 to 100000 calls",
            "LOOKUP_UPSTREAM_MAX_CALLS_PER_MINUTE | 1000000000 | lookup.upstream.max-calls-per-minute | a whole number from 0 to 100000 calls",
            "LOOKUP_STALE_MAX_BYTES | -1 | lookup.stale.max-bytes | a whole number from 1 to ",
            "LOOKUP_RETRY_MAX_RETRIES | -1 | lookup.retry.max-retries | a whole number from 0 to 10 retries",
            "LOOKUP_STALE_MAX_ENTRIES | -1 | lookup.stale.max-entries | a whole number from 1 to 10000000 copies",
            "LOOKUP_STALE_MAX_AGE_MS | 0 | lookup.stale.max-age-ms | a whole number from 1 to 604800000 milliseconds",
            "LOOKUP_RETRY_INITIAL_DELAY_MS | -1 | lookup.retry.initial-delay-ms | a whole number from 0 to 60000 milliseconds",
            "LOOKUP_CIRCUIT_BREAKER_DELAY_MS | -1 | lookup.circuit-breaker.delay-ms | a whole number from 0 to 3600000 milliseconds",
            "LOOKUP_FRESH_FOR_MS | -1 | lookup.fresh-for-ms | a whole number from 0 to 86400000 milliseconds",
            "LOOKUP_NOT_FOUND_FRESH_FOR_MS | -1 | lookup.not-found.fresh-for-ms | a whole number from 0 to 600000 milliseconds",
            "LOOKUP_WEBHOOKS_REPLAY_WINDOW_MS | 1000 | lookup.webhooks.replay-window-ms | a whole number from 10000 to 3600000 milliseconds",
            "LOOKUP_SHARED_TIMEOUT_MS | 0 | lookup.shared.timeout-ms | a whole number from 1 to 10000 milliseconds",
            "LOOKUP_SHARED_OFFLINE_CALLS_PER_MINUTE | 0 | lookup.shared.offline-calls-per-minute | a whole number from 1 to 100000 calls",
            "LOOKUP_SHARED_MAX_DOCUMENT_BYTES | 0 | lookup.shared.max-document-bytes | a whole number from 1 to 16777216 bytes",
            "LOOKUP_UPSTREAM_MAX_BODY_BYTES | 100 | lookup.upstream.max-body-bytes | a whole number from 1024 to 1073741824 bytes",
            "LOOKUP_UPSTREAM_MAX_BYTES_IN_FLIGHT | 0 | lookup.upstream.max-bytes-in-flight | a whole number from 1024 to " })
    void refusesToStartWithASettingOutOfRange(String variable, String value, String property, String range) throws Exception {
        String output = startWith(variable, value);

        assertThat(output.lines().filter(line -> line.contains(property + " (" + variable + ") is ")))
                .singleElement().satisfies(line -> assertThat(line).contains(" is \"" + value + "\"; allowed: " + range));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "LOOKUP_BUDGET_MS | five seconds | lookup.budget-ms",
            "LOOKUP_CIRCUIT_BREAKER_FAILURE_RATIO | half | lookup.circuit-breaker.failure-ratio",
            "LOOKUP_BULKHEAD_MAX_IN_FLIGHT | 1e3 | lookup.bulkhead.max-in-flight" })
    void refusesToStartWithASettingThatDoesNotParse(String variable, String value, String property) throws Exception {
        String output = startWith(variable, value);

        assertThat(output.lines().filter(line -> line.contains(property + " (" + variable + ") is \"" + value + "\"; allowed: ")))
                .hasSize(1);
    }

    /** A Redis named without the secret that seals what is kept there would share copies in clear. */
    @ParameterizedTest(name = "LOOKUP_SHARED_SECRET=[{0}]")
    @CsvSource(delimiter = '|', value = {
            " | LOOKUP_SHARED_SECRET is not set",
            "c2hvcnQ= | LOOKUP_SHARED_SECRET is not base64 of 32 bytes or more",
            "not base64! | LOOKUP_SHARED_SECRET is not base64 of 32 bytes or more" })
    void refusesToStartWithARedisButNoUsableSecret(String secret, String problem) throws Exception {
        Map<String, String> environment = new HashMap<>(Map.of("QUARKUS_REDIS_HOSTS", "redis://127.0.0.1:9"));
        if (secret != null) {
            environment.put("LOOKUP_SHARED_SECRET", secret);
        }
        String output = startWith(environment);

        assertThat(output.lines().filter(line -> line.contains(problem)))
                .singleElement().satisfies(line -> assertThat(line).contains("set LOOKUP_SHARED_SECRET (lookup.shared.secret) to at least 32 random bytes, base64"));
    }

    /** A window only webhooks can keep right, webhook secrets too short to prove anything, addresses and header names that are none. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "LOOKUP_FRESH_FOR_MS=3600000 | lookup.fresh-for-ms (LOOKUP_FRESH_FOR_MS) is 3600000 ms, above 600000 ms, without lookup.webhooks.secret (LOOKUP_WEBHOOKS_SECRET)",
            "LOOKUP_WEBHOOKS_SECRET=abc123 | lookup.webhooks.secret (LOOKUP_WEBHOOKS_SECRET) has 6 characters; at least 16",
            "LOOKUP_WEBHOOKS_SECRET=Xk3v9QpL7mZt2RwB8nYc4HsD LOOKUP_WEBHOOKS_SIGNED=false | lookup.webhooks.secret (LOOKUP_WEBHOOKS_SECRET) has 24 characters; at least 32",
            "LOOKUP_WEBHOOKS_SECRET=Xk3v9QpL7mZt2RwB8nYc4HsD LOOKUP_WEBHOOKS_ALLOWED_SOURCES=203.0.113.7,chatwoot.example | lookup.webhooks.allowed-sources (LOOKUP_WEBHOOKS_ALLOWED_SOURCES) has \"chatwoot.example\", which is not an IP address or range",
            "LOOKUP_WEBHOOKS_SECRET=Xk3v9QpL7mZt2RwB8nYc4HsD LOOKUP_WEBHOOKS_ALLOWED_SOURCES=203.0.113.0/33 | lookup.webhooks.allowed-sources (LOOKUP_WEBHOOKS_ALLOWED_SOURCES) has \"203.0.113.0/33\", whose prefix length is not 0 to 32",
            "LOOKUP_CALLERS_TRUSTED_PROXIES=10.0.0.0/8,proxy.example | lookup.callers.trusted-proxies (LOOKUP_CALLERS_TRUSTED_PROXIES) has \"proxy.example\", which is not an IP address or range",
            "LOOKUP_CALLERS_HEADER=X:Key | lookup.callers.header (LOOKUP_CALLERS_HEADER) is \"X:Key\", which is not an HTTP header name" })
    void refusesToStartWithSettingsThatCannotWork(String settings, String problem) throws Exception {
        Map<String, String> environment = new HashMap<>();
        for (String setting : settings.split(" ")) {
            environment.put(setting.substring(0, setting.indexOf('=')), setting.substring(setting.indexOf('=') + 1));
        }
        String output = startWith(environment);

        assertThat(output.lines().filter(line -> line.contains(problem))).hasSize(1);
    }

    /** Each in range, together unworkable: a body at its bound that could never be read, a heap with no room left. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "LOOKUP_UPSTREAM_MAX_BODY_BYTES=16777216 | lookup.upstream.max-body-bytes (LOOKUP_UPSTREAM_MAX_BODY_BYTES) is 16777216 bytes, more than half of lookup.upstream.max-bytes-in-flight",
            "LOOKUP_STALE_MAX_BYTES=31457280 LOOKUP_UPSTREAM_MAX_BYTES_IN_FLIGHT=31457280 | lookup.stale.max-bytes (LOOKUP_STALE_MAX_BYTES) 31457280 bytes and lookup.upstream.max-bytes-in-flight" })
    void refusesToStartWithBodyBoundsThatCannotWorkTogether(String settings, String problem) throws Exception {
        Path console = Files.createTempFile("omnivibe-lookup-settings", ".log");
        ProcessBuilder launch = new ProcessBuilder(PackagedService.command(List.of("-Xmx64m", "-Dquarkus.http.port=0",
                "-Dquarkus.management.port=0"))).redirectErrorStream(true).redirectOutput(console.toFile());
        launch.environment().put("OMNIVIBE_BASE_URL", "http://127.0.0.1:9");
        for (String setting : settings.split(" ")) {
            launch.environment().put(setting.substring(0, setting.indexOf('=')), setting.substring(setting.indexOf('=') + 1));
        }
        String output = exitedWithout(launch, console);

        assertThat(output.lines().filter(line -> line.contains(problem))).hasSize(1);
    }

    private static String startWith(String variable, String value) throws Exception {
        return startWith(Map.of(variable, value));
    }

    /** Starts the service with these settings and returns its output, once it has exited non-zero without listening. */
    private static String startWith(Map<String, String> environment) throws Exception {
        Path console = Files.createTempFile("omnivibe-lookup-settings", ".log");
        ProcessBuilder launch = new ProcessBuilder(PackagedService.command(List.of("-Dquarkus.http.port=0", "-Dquarkus.management.port=0")))
                .redirectErrorStream(true).redirectOutput(console.toFile());
        launch.environment().put("OMNIVIBE_BASE_URL", "http://127.0.0.1:9");
        launch.environment().putAll(environment);
        return exitedWithout(launch, console);
    }

    /** Launches the service and returns its output, once it has exited non-zero without listening. */
    private static String exitedWithout(ProcessBuilder launch, Path console) throws Exception {
        Process process = launch.start();
        try {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exits on its own").isTrue();
        } finally {
            process.destroyForcibly();
        }
        String output = Files.readString(console);
        assertThat(process.exitValue()).as(output).isNotZero();
        assertThat(output).doesNotContain("Listening on");
        return output;
    }
}

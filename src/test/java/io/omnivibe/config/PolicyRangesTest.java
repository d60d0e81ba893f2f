package io.omnivibe.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URL;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.common.MapBackedConfigSource;

/** The policies as application.properties sets them, with settings changed the way a deployment would. */
class PolicyRangesTest {

    private static LookupPolicy policyWith(Map<String, String> deployment) throws IOException {
        URL defaults = PolicyRangesTest.class.getResource("/application.properties");
        return new SmallRyeConfigBuilder()
                .withMapping(LookupPolicy.class)
                .withInterceptors(new PolicyRangeCheck())
                .withSources(new PropertiesConfigSource(defaults, 250))
                .withSources(new MapBackedConfigSource("deployment", deployment, 400) {
                })
                .build()
                .getConfigMapping(LookupPolicy.class);
    }

    @Test
    void theDefaultsAreInRange() throws IOException {
        assertThat(policyWith(Map.of()).budgetMs()).isEqualTo(5000);
    }

    @ParameterizedTest
    @CsvSource({
            "lookup.budget-ms, 1", "lookup.budget-ms, 300000", "lookup.budget-ms, ' 8000 '",
            "lookup.upstream.max-calls-per-minute, 0", "lookup.upstream.max-calls-per-minute, 100000",
            "lookup.retry.max-retries, 0", "lookup.retry.initial-delay-ms, 0",
            "lookup.circuit-breaker.failure-ratio, 1", "lookup.circuit-breaker.failure-ratio, 0.01",
            "lookup.circuit-breaker.delay-ms, 0", "lookup.circuit-breaker.trial-lookups, 1000",
            "lookup.bulkhead.max-in-flight, 1", "lookup.stale.max-entries, 1", "lookup.stale.max-bytes, 1",
            "lookup.upstream.max-body-bytes, 1024", "lookup.upstream.max-body-bytes, 1073741824",
            "lookup.upstream.max-bytes-in-flight, 1024" })
    void acceptsTheEndsOfEachRange(String property, String value) {
        assertThat(PolicyRanges.violation(property, value)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "lookup.budget-ms | 0 | LOOKUP_BUDGET_MS | a whole number from 1 to 300000 milliseconds",
            "lookup.budget-ms | five seconds | LOOKUP_BUDGET_MS | a whole number from 1 to 300000 milliseconds",
            "lookup.budget-ms | 5s | LOOKUP_BUDGET_MS | a whole number from 1 to 300000 milliseconds",
            "lookup.attempt-timeout-ms | -5 | LOOKUP_ATTEMPT_TIMEOUT_MS | a whole number from 1 to 300000 milliseconds",
            "lookup.circuit-breaker.failure-ratio | 1.5 | LOOKUP_CIRCUIT_BREAKER_FAILURE_RATIO | a number more than 0 and at most 1",
            "lookup.circuit-breaker.failure-ratio | 0 | LOOKUP_CIRCUIT_BREAKER_FAILURE_RATIO | a number more than 0 and at most 1",
            "lookup.circuit-breaker.failure-ratio | NaN | LOOKUP_CIRCUIT_BREAKER_FAILURE_RATIO | a number more than 0 and at most 1",
            "lookup.circuit-breaker.failure-ratio | half | LOOKUP_CIRCUIT_BREAKER_FAILURE_RATIO | a number more than 0 and at most 1",
            "lookup.circuit-breaker.window | 0 | LOOKUP_CIRCUIT_BREAKER_WINDOW | a whole number from 1 to 1000000 lookups",
            "lookup.circuit-breaker.trial-lookups | 0 | LOOKUP_CIRCUIT_BREAKER_TRIAL_LOOKUPS | a whole number from 1 to 1000 lookups",
            "lookup.bulkhead.max-in-flight | 0 | LOOKUP_BULKHEAD_MAX_IN_FLIGHT | a whole number from 1 to 10000 lookups",
            "lookup.bulkhead.max-in-flight | 1e3 | LOOKUP_BULKHEAD_MAX_IN_FLIGHT | a whole number from 1 to 10000 lookups",
            "lookup.upstream.max-calls-per-minute | -1 | LOOKUP_UPSTREAM_MAX_CALLS_PER_MINUTE | a whole number from 0 to 100000 calls",
            "lookup.upstream.max-calls-per-minute | 1000000000 | LOOKUP_UPSTREAM_MAX_CALLS_PER_MINUTE | a whole number from 0 to 100000",
            "lookup.retry.max-retries | -1 | LOOKUP_RETRY_MAX_RETRIES | a whole number from 0 to 10 retries",
            "lookup.retry.initial-delay-ms | -1 | LOOKUP_RETRY_INITIAL_DELAY_MS | a whole number from 0 to 60000 milliseconds",
            "lookup.circuit-breaker.delay-ms | -1 | LOOKUP_CIRCUIT_BREAKER_DELAY_MS | a whole number from 0 to 3600000 milliseconds",
            "lookup.stale.max-bytes | -1 | LOOKUP_STALE_MAX_BYTES | a whole number from 1 to ",
            "lookup.stale.max-bytes | 9223372036854775807 | LOOKUP_STALE_MAX_BYTES | a whole number from 1 to ",
            "lookup.stale.max-entries | -1 | LOOKUP_STALE_MAX_ENTRIES | a whole number from 1 to 10000000 copies",
            "lookup.stale.max-age-ms | 0 | LOOKUP_STALE_MAX_AGE_MS | a whole number from 1 to 604800000 milliseconds",
            "lookup.upstream.max-body-bytes | 1023 | LOOKUP_UPSTREAM_MAX_BODY_BYTES | a whole number from 1024 to 1073741824 bytes",
            "lookup.upstream.max-body-bytes | 8MiB | LOOKUP_UPSTREAM_MAX_BODY_BYTES | a whole number from 1024 to 1073741824 bytes",
            "lookup.upstream.max-bytes-in-flight | 0 | LOOKUP_UPSTREAM_MAX_BYTES_IN_FLIGHT | a whole number from 1024 to ",
            "lookup.upstream.max-bytes-in-flight | 9223372036854775807 | LOOKUP_UPSTREAM_MAX_BYTES_IN_FLIGHT | a whole number from 1024 to " })
    void namesTheSettingItsVariableTheValueAndTheRange(String property, String value, String variable, String range) {
        assertThat(PolicyRanges.violation(property, value)).hasValueSatisfying(line -> assertThat(line)
                .startsWith(property + " (" + variable + ") is \"" + value + "\"; allowed: " + range)
                .doesNotContain("\n"));
    }

    @Test
    void leavesOtherSettingsAlone() {
        assertThat(PolicyRanges.violation("quarkus.http.port", "-1")).isEmpty();
        assertThat(PolicyRanges.violation("lookup.stale.max-bytes", null)).as("unset: a quarter of the heap").isEmpty();
    }

    @Test
    void stopsConfigurationWithEverySettingOutOfRange() {
        assertThatThrownBy(() -> policyWith(Map.of("lookup.budget-ms", "0", "lookup.bulkhead.max-in-flight", "lots")))
                .hasMessageContaining("lookup.budget-ms (LOOKUP_BUDGET_MS) is \"0\"; allowed: a whole number from 1 to 300000 milliseconds")
                .hasMessageContaining("lookup.bulkhead.max-in-flight (LOOKUP_BULKHEAD_MAX_IN_FLIGHT) is \"lots\"");
    }

    @Test
    void warnsWhenShutdownWouldCutLookupsShort() throws IOException {
        LookupPolicy policy = policyWith(Map.of("lookup.budget-ms", "8000"));

        assertThat(PolicyRanges.shutdownWarning(policy, Duration.ofSeconds(6))).hasValue(
                "quarkus.shutdown.timeout (QUARKUS_SHUTDOWN_TIMEOUT) is 6000 ms, not above lookup.budget-ms (LOOKUP_BUDGET_MS)"
                        + " 8000 ms: lookups in flight at shutdown may be cut short");
        assertThat(PolicyRanges.shutdownWarning(policy, Duration.ofSeconds(9))).isEmpty();
    }

    @Test
    void warnsWhenNoBackoffCanFitTheBudget() throws IOException {
        assertThat(PolicyRanges.retryWarning(policyWith(Map.of("lookup.retry.initial-delay-ms", "9600")), false)).hasValue(
                "lookup.retry.initial-delay-ms (LOOKUP_RETRY_INITIAL_DELAY_MS) is 9600 ms: a first backoff of at least 4800 ms"
                        + " leaves no time for another attempt within lookup.budget-ms (LOOKUP_BUDGET_MS) 5000 ms, so failures"
                        + " are retried only when the upstream asks for a shorter wait (Retry-After)");
        LookupPolicy justFits = policyWith(Map.of("lookup.retry.initial-delay-ms", "9500"));
        assertThat(PolicyRanges.retryWarning(justFits, false)).as("4750 ms, and the attempt after it has its shortest useful 200 ms")
                .isEmpty();
        assertThat(PolicyRanges.retryWarning(justFits, true)).as("a Redis permit may take 50 ms more").isPresent();
        assertThat(PolicyRanges.retryWarning(policyWith(Map.of("lookup.retry.initial-delay-ms", "12000",
                "lookup.retry.max-retries", "0")), false)).isEmpty();
    }

    @Test
    void allowsAWindowLongerThanTenMinutesOnlyWithWebhooks() throws IOException {
        assertThat(PolicyRanges.freshnessViolation(policyWith(Map.of("lookup.fresh-for-ms", "600000")))).isEmpty();
        assertThat(PolicyRanges.freshnessViolation(policyWith(Map.of("lookup.fresh-for-ms", "600001")))).hasValueSatisfying(
                line -> assertThat(line).startsWith("lookup.fresh-for-ms (LOOKUP_FRESH_FOR_MS) is 600001 ms, above 600000 ms,"
                        + " without lookup.webhooks.secret (LOOKUP_WEBHOOKS_SECRET)"));
        assertThat(PolicyRanges.freshnessViolation(policyWith(Map.of("lookup.fresh-for-ms", "86400000",
                "lookup.webhooks.secret", "Xk3v9QpL7mZt2RwB8nYc4HsD")))).isEmpty();
        assertThat(PolicyRanges.violation("lookup.fresh-for-ms", "86400001")).isPresent();
    }

    @Test
    void warnsWhenCopiesAreDroppedBeforeTheWindowEnds() throws IOException {
        assertThat(PolicyRanges.freshnessWarning(policyWith(Map.of("lookup.fresh-for-ms", "3600000",
                "lookup.webhooks.secret", "Xk3v9QpL7mZt2RwB8nYc4HsD")))).hasValue("lookup.fresh-for-ms (LOOKUP_FRESH_FOR_MS) is"
                        + " 3600000 ms, above lookup.stale.max-age-ms (LOOKUP_STALE_MAX_AGE_MS) 600000 ms: copies are dropped at that"
                        + " age, so the window ends there; raise lookup.stale.max-age-ms to at least the window");
        assertThat(PolicyRanges.freshnessWarning(policyWith(Map.of("lookup.fresh-for-ms", "3600000",
                "lookup.stale.max-age-ms", "3600000", "lookup.webhooks.secret", "Xk3v9QpL7mZt2RwB8nYc4HsD")))).isEmpty();
    }

    @Test
    void leavesAnAttemptATenthOfItsTimeoutOrOfTheBudget() throws IOException {
        assertThat(policyWith(Map.of()).shortestAttemptMs()).isEqualTo(200);
        assertThat(policyWith(Map.of("lookup.attempt-timeout-ms", "300000")).shortestAttemptMs()).isEqualTo(500);
        assertThat(policyWith(Map.of("lookup.budget-ms", "5")).shortestAttemptMs()).isEqualTo(1);
    }

    @Test
    void warnsWhenWaitingForTheFleetsCopyCanLeaveNoTimeForTheCall() throws IOException {
        assertThat(PolicyRanges.sharedTimeoutWarning(policyWith(Map.of("lookup.shared.timeout-ms", "4800",
                "lookup.fresh-for-ms", "1000")))).hasValue(
                        "lookup.shared.timeout-ms (LOOKUP_SHARED_TIMEOUT_MS) is 4800 ms, and a lookup with lookup.fresh-for-ms on waits"
                                + " that long for Redis before its first upstream call, leaving the call less than 200 ms of"
                                + " lookup.budget-ms (LOOKUP_BUDGET_MS) 5000 ms, so lookups under way when Redis stops answering will time out");
        assertThat(PolicyRanges.sharedTimeoutWarning(policyWith(Map.of("lookup.shared.timeout-ms", "4700",
                "lookup.fresh-for-ms", "1000")))).isEmpty();
        assertThat(PolicyRanges.sharedTimeoutWarning(policyWith(Map.of("lookup.shared.timeout-ms", "9000"))))
                .as("the cap's permit is waited for within the budget, not for the shared timeout").isEmpty();
    }

    @Test
    void refusesABodyBoundTheBudgetOfBodiesInFlightCannotHold() throws IOException {
        assertThat(PolicyRanges.bodyBoundViolation(policyWith(Map.of()))).as("8 MiB in a quarter of the test JVM's heap").isEmpty();
        assertThat(PolicyRanges.bodyBoundViolation(policyWith(Map.of("lookup.upstream.max-body-bytes", "2048",
                "lookup.upstream.max-bytes-in-flight", "4096")))).isEmpty();
        assertThat(PolicyRanges.bodyBoundViolation(policyWith(Map.of("lookup.upstream.max-body-bytes", "2049",
                "lookup.upstream.max-bytes-in-flight", "4096")))).hasValue(
                        "lookup.upstream.max-body-bytes (LOOKUP_UPSTREAM_MAX_BODY_BYTES) is 2049 bytes, more than half of"
                                + " lookup.upstream.max-bytes-in-flight (LOOKUP_UPSTREAM_MAX_BYTES_IN_FLIGHT) 4096 bytes: a body at"
                                + " the bound, read without a declared length, could never be read; lower the first, or raise the"
                                + " second or -Xmx");
    }

    @Test
    void refusesStaleCopiesAndBodiesInFlightThatLeaveTheHeapNoMargin() throws IOException {
        long heap = 128L * 1024 * 1024;
        LookupPolicy halfAndHalf = policyWith(Map.of("lookup.stale.max-bytes", String.valueOf(heap / 2),
                "lookup.upstream.max-bytes-in-flight", String.valueOf(heap / 2)));
        assertThat(PolicyRanges.heapViolation(halfAndHalf, heap)).hasValue("lookup.stale.max-bytes (LOOKUP_STALE_MAX_BYTES) 67108864"
                + " bytes and lookup.upstream.max-bytes-in-flight (LOOKUP_UPSTREAM_MAX_BYTES_IN_FLIGHT) 67108864 bytes together are"
                + " more than three quarters of the maximum heap (134217728 bytes, -Xmx), 100663296 bytes: lower either, or raise -Xmx");
        assertThat(PolicyRanges.heapViolation(policyWith(Map.of("lookup.stale.max-bytes", String.valueOf(heap / 2),
                "lookup.upstream.max-bytes-in-flight", String.valueOf(heap / 4))), heap)).isEmpty();
    }
}

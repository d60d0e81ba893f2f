package io.omnivibe.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.omnivibe.testing.Callers;
import io.omnivibe.testing.Callers.Answer;
import io.omnivibe.testing.ChaosUpstream;
import io.omnivibe.testing.ChaosUpstream.Kind;
import io.omnivibe.testing.Metrics;
import io.omnivibe.testing.TestConversation;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A share of conversations failing is not an outage: the circuit stays closed and every other
 * conversation is answered fresh. Runs with the production defaults of every policy but the cap
 * on upstream calls: this load makes far more than Chatwoot's quota allows, and the simulated
 * upstream does not throttle.
 */
@QuarkusTest
@WithTestResource(ChaosUpstream.class)
@TestProfile(PartialFailureTest.UncappedCalls.class)
@Tag("load")
class PartialFailureTest {

    public static class UncappedCalls implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lookup.upstream.max-calls-per-minute", "0");
        }
    }

    @Test
    void aMixOfFailingConversationsLeavesTheHealthyOnesAnswered() throws InterruptedException {
        Callers callers = new Callers(TestConversation.fresh());

        List<Answer> answers = callers.run(32, Duration.ofSeconds(15), () -> ThreadLocalRandom.current().nextLong(1, 5001));

        List<Answer> healthy = answers.stream().filter(answer -> Kind.of(answer.conversationId()) == Kind.HEALTHY).toList();
        assertThat(healthy).hasSizeGreaterThan(1000);
        assertThat(share(healthy, answer -> answer.status() == 200)).isGreaterThanOrEqualTo(0.95);
        assertThat(share(healthy, answer -> answer.status() == 200 && !answer.stale())).isGreaterThanOrEqualTo(0.90);
        assertThat(answers).allSatisfy(answer -> {
            assertThat(answer.status()).isIn(200, 404, 502, 503, 504);
            assertThat(answer.took()).isLessThan(Duration.ofMillis(7_000));
        });
        assertThat(answers.stream().filter(answer -> Kind.of(answer.conversationId()) == Kind.NOT_FOUND))
                .allSatisfy(answer -> assertThat(answer.status()).isEqualTo(404));
        assertThat(Metrics.value("ft_circuitbreaker_opened_total")).isZero();
    }

    @Test
    void oneConversationThatAlwaysFailsNeverOpensTheCircuit() throws Exception {
        TestConversation identity = TestConversation.fresh();
        Callers callers = new Callers(identity);
        long failing = 4200;
        assertThat(Kind.of(failing)).isEqualTo(Kind.SERVER_ERROR);
        CompletableFuture<List<Answer>> hammering = callers.runAsync(4, Duration.ofSeconds(8), () -> failing);

        List<Answer> healthy = callers.run(4, Duration.ofSeconds(8), () -> 18 + 100 * ThreadLocalRandom.current().nextLong(50));

        assertThat(hammering.get(30, TimeUnit.SECONDS)).isNotEmpty()
                .allSatisfy(answer -> assertThat(answer.status()).isEqualTo(502));
        assertThat(healthy).isNotEmpty().allSatisfy(answer -> {
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.stale()).isFalse();
        });
        assertThat(Metrics.value("ft_circuitbreaker_opened_total")).isZero();
        assertThat(Metrics.value("omnivibe_upstream_circuit_state", "state=closed")).isEqualTo(1);
    }

    private static double share(List<Answer> answers, Predicate<Answer> which) {
        return answers.stream().filter(which).count() / (double) answers.size();
    }
}

package io.omnivibe.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;

import io.omnivibe.testing.Callers;
import io.omnivibe.testing.Callers.Answer;
import io.omnivibe.testing.ChaosUpstream;
import io.omnivibe.testing.InjectOmnivibeStub;
import io.omnivibe.testing.Metrics;
import io.omnivibe.testing.TestConversation;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** An upstream that is down altogether opens the circuit within seconds of steady traffic. */
@QuarkusTest
@WithTestResource(ChaosUpstream.class)
@TestProfile(OutageTest.OwnInstance.class)
class OutageTest {

    /** A service instance of its own, with the production defaults, so that its circuit starts closed. */
    public static class OwnInstance implements QuarkusTestProfile {
    }

    @InjectOmnivibeStub
    WireMockServer upstream;

    @Test
    void opensWithinSecondsThenAnswersFastWithoutCallingTheUpstream() throws Exception {
        Callers callers = new Callers(TestConversation.fresh());
        long known = 18;
        assertThat(callers.lookUp(known).status()).isEqualTo(200);

        upstream.stubFor(any(anyUrl()).atPriority(1).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        // The circuit opens once its window holds a hundred failed lookups: the traffic lasts until
        // then, however slowly a busy machine serves it (seconds on an idle one), and ends at the
        // first answer that did not wait for the upstream.
        List<Answer> traffic = callers.runAsyncUntil(32, Duration.ofSeconds(40),
                () -> 18 + 100 * ThreadLocalRandom.current().nextLong(1, 50), answer -> answer.status() == 503)
                .get(90, TimeUnit.SECONDS);
        assertThat(traffic).allSatisfy(answer -> assertThat(answer.status()).isIn(502, 503));
        assertThat(traffic).anySatisfy(answer -> assertThat(answer.status()).isEqualTo(503));
        assertThat(Metrics.value("omnivibe_upstream_circuit_state", "state=open")).isEqualTo(1);

        int callsWhenQuiet = upstream.findAll(anyRequestedFor(anyUrl())).size();
        List<Duration> took = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Answer answer = callers.lookUp(2018 + 100 * i);
            assertThat(answer.status()).isEqualTo(503);
            took.add(answer.took());
        }
        took.sort(null);
        assertThat(took.get(17)).as("90th percentile of open-circuit answers").isLessThan(Duration.ofMillis(500));
        Answer stale = callers.lookUp(known);
        assertThat(stale.status()).isEqualTo(200);
        assertThat(stale.stale()).isTrue();
        assertThat(upstream.findAll(anyRequestedFor(anyUrl()))).hasSize(callsWhenQuiet);
        assertThat(Metrics.value("ft_circuitbreaker_opened_total")).isEqualTo(1);
    }
}

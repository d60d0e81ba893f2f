package io.omnivibe.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.RepeatedTest;

class RetryBackoffTest {

    @RepeatedTest(20)
    void doublesEachDelayWithJitterInItsUpperHalf() {
        RetryBackoff backoff = new RetryBackoff(100);

        assertThat(backoff.before(1)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
        assertThat(backoff.before(2)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
        assertThat(backoff.before(3)).isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
    }
}

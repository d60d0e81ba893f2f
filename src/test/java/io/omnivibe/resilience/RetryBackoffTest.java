package io.omnivibe.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import io.omnivibe.upstream.UpstreamRateLimitedException;
import io.omnivibe.upstream.UpstreamServerErrorException;

class RetryBackoffTest {

    @RepeatedTest(20)
    void doublesEachDelayWithJitterInItsUpperHalf() {
        RetryBackoff backoff = new RetryBackoff();
        backoff.init(100);
        UpstreamServerErrorException failure = new UpstreamServerErrorException(500, null);

        assertThat(backoff.nextDelayInMillis(failure)).isBetween(50L, 100L);
        assertThat(backoff.nextDelayInMillis(failure)).isBetween(100L, 200L);
        assertThat(backoff.nextDelayInMillis(failure)).isBetween(200L, 400L);
    }

    @Test
    void waitsAsLongAsTheUpstreamAskedWhenItSaid() {
        RetryBackoff backoff = new RetryBackoff();
        backoff.init(100);

        assertThat(backoff.nextDelayInMillis(new UpstreamRateLimitedException(Duration.ofSeconds(2)))).isEqualTo(2_000L);
    }
}

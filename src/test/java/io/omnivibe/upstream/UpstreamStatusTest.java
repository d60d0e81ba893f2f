package io.omnivibe.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UpstreamStatusTest {

    private static final Instant NOW = Instant.parse("2026-11-25T20:00:00Z");

    @Test
    void mapsEachStatusToTheFailureThePoliciesTellApart() {
        assertThat(UpstreamStatus.toException(404, null)).isInstanceOf(ConversationNotFoundException.class);
        assertThat(UpstreamStatus.toException(429, null)).isInstanceOf(UpstreamRateLimitedException.class);
        assertThat(UpstreamStatus.toException(500, null)).isInstanceOf(UpstreamServerErrorException.class);
        assertThat(UpstreamStatus.toException(599, null)).isInstanceOf(UpstreamServerErrorException.class);
        assertThat(UpstreamStatus.toException(401, null)).isInstanceOf(UnexpectedUpstreamStatusException.class);
        assertThat(UpstreamStatus.toException(422, null)).isInstanceOf(UnexpectedUpstreamStatusException.class);
    }

    @Test
    void keepsTheRetryAfterOfRateLimitsAndServerErrors() {
        assertThat(((TransientUpstreamException) UpstreamStatus.toException(429, "3")).retryAfter()).contains(Duration.ofSeconds(3));
        assertThat(((TransientUpstreamException) UpstreamStatus.toException(503, "7")).retryAfter()).contains(Duration.ofSeconds(7));
        assertThat(((TransientUpstreamException) UpstreamStatus.toException(429, null)).retryAfter()).isEmpty();
    }

    @Test
    void readsRetryAfterAsSecondsOrAsAnHttpDate() {
        assertThat(UpstreamStatus.parseRetryAfter("120", NOW)).isEqualTo(Duration.ofSeconds(120));
        assertThat(UpstreamStatus.parseRetryAfter(" 0 ", NOW)).isEqualTo(Duration.ZERO);
        assertThat(UpstreamStatus.parseRetryAfter("Wed, 25 Nov 2026 20:00:30 GMT", NOW)).isEqualTo(Duration.ofSeconds(30));
        assertThat(UpstreamStatus.parseRetryAfter("Wed, 25 Nov 2026 19:00:00 GMT", NOW)).isEqualTo(Duration.ZERO);
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "soon", "-5", "1.5", "99999999999999999999999" })
    void ignoresAnUnreadableRetryAfter(String header) {
        assertThat(UpstreamStatus.parseRetryAfter(header, NOW)).isNull();
    }
}

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
        assertThat(UpstreamStatus.toException(404, null, true)).isInstanceOf(ConversationNotFoundException.class);
        assertThat(UpstreamStatus.toException(429, null, false)).isInstanceOf(UpstreamRateLimitedException.class);
        assertThat(UpstreamStatus.toException(500, null, true)).isInstanceOf(UpstreamServerErrorException.class);
        assertThat(UpstreamStatus.toException(599, null, false)).isInstanceOf(UpstreamServerErrorException.class);
        assertThat(UpstreamStatus.toException(401, null, true)).isInstanceOf(UnexpectedUpstreamStatusException.class);
        assertThat(UpstreamStatus.toException(422, null, true)).isInstanceOf(UnexpectedUpstreamStatusException.class);
    }

    @Test
    void takesOnlyAJson404ForTheUpstreamsNotFound() {
        assertThat(UpstreamStatus.toException(404, null, false)).isInstanceOf(UnexpectedUpstreamStatusException.class);
    }

    @Test
    void keepsTheRetryAfterOfRateLimitsAndServerErrors() {
        assertThat(((TransientUpstreamException) UpstreamStatus.toException(429, "3", false)).retryAfter()).contains(Duration.ofSeconds(3));
        assertThat(((TransientUpstreamException) UpstreamStatus.toException(503, "7", false)).retryAfter()).contains(Duration.ofSeconds(7));
        assertThat(((TransientUpstreamException) UpstreamStatus.toException(429, null, false)).retryAfter()).isEmpty();
    }

    @Test
    void readsRetryAfterAsSecondsOrAsAnHttpDate() {
        assertThat(UpstreamStatus.parseRetryAfter("120", NOW)).isEqualTo(Duration.ofSeconds(120));
        assertThat(UpstreamStatus.parseRetryAfter(" 0 ", NOW)).isEqualTo(Duration.ZERO);
        assertThat(UpstreamStatus.parseRetryAfter("Wed, 25 Nov 2026 20:00:30 GMT", NOW)).isEqualTo(Duration.ofSeconds(30));
        assertThat(UpstreamStatus.parseRetryAfter("Wed, 25 Nov 2026 19:00:00 GMT", NOW)).isEqualTo(Duration.ZERO);
    }

    @ParameterizedTest
    @ValueSource(strings = { "86401", "10000000000000000", "99999999999999999999999", "Fri, 01 Jan 2100 00:00:00 GMT" })
    void readsAWaitOfMoreThanADayAsADay(String header) {
        assertThat(UpstreamStatus.parseRetryAfter(header, NOW)).isEqualTo(Duration.ofDays(1));
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "soon", "-5", "1.5" })
    void ignoresAnUnreadableRetryAfter(String header) {
        assertThat(UpstreamStatus.parseRetryAfter(header, NOW)).isNull();
    }
}

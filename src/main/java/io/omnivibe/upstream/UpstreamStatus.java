package io.omnivibe.upstream;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Maps the upstream's HTTP error statuses to the exceptions the lookup policies tell apart. */
public final class UpstreamStatus {

    private UpstreamStatus() {
    }

    public static UpstreamException toException(int status, String retryAfterHeader) {
        if (status == 404) {
            return new ConversationNotFoundException();
        }
        if (status == 429) {
            return new UpstreamRateLimitedException(parseRetryAfter(retryAfterHeader, Instant.now()));
        }
        if (status >= 500 && status <= 599) {
            return new UpstreamServerErrorException(status, parseRetryAfter(retryAfterHeader, Instant.now()));
        }
        return new UnexpectedUpstreamStatusException(status);
    }

    /**
     * Reads {@code Retry-After} as delta-seconds or as an HTTP-date (RFC 9110, 10.2.3).
     * Returns null when the header is absent or unreadable: a bad hint is no hint.
     */
    static Duration parseRetryAfter(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.trim();
        if (value.chars().allMatch(Character::isDigit)) {
            try {
                return Duration.ofSeconds(Long.parseLong(value));
            } catch (NumberFormatException tooLarge) {
                return null;
            }
        }
        try {
            Duration untilDate = Duration.between(now, ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME));
            return untilDate.isNegative() ? Duration.ZERO : untilDate;
        } catch (DateTimeParseException unreadable) {
            return null;
        }
    }
}

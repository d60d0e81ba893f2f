package io.omnivibe.upstream;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Maps the upstream's HTTP error statuses to the exceptions the lookup policies tell apart. */
public final class UpstreamStatus {

    /** A longer wait is read as this one: an upstream asking for more is down for the day, and a wait of centuries overflows. */
    static final Duration LONGEST_RETRY_AFTER = Duration.ofDays(1);

    private UpstreamStatus() {
    }

    /** {@code jsonBody}: the answer says its body is JSON. */
    public static UpstreamException toException(int status, String retryAfterHeader, boolean jsonBody) {
        if (status == 404) {
            // Chatwoot's 404 is JSON. A proxy's or load balancer's (HTML, text, none: a route
            // missing during a redeploy) says nothing about the conversation, and must not make
            // the fleet forget the copies kept for outages.
            return jsonBody ? new ConversationNotFoundException() : new UnexpectedUpstreamStatusException(status);
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
     * Reads {@code Retry-After} as delta-seconds or as an HTTP-date (RFC 9110, 10.2.3), at most
     * {@link #LONGEST_RETRY_AFTER}. Returns null when the header is absent or unreadable: a bad hint is no hint.
     */
    static Duration parseRetryAfter(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.trim();
        if (value.chars().allMatch(Character::isDigit)) {
            try {
                return atMostADay(Duration.ofSeconds(Long.parseLong(value)));
            } catch (NumberFormatException beyondALong) {
                return LONGEST_RETRY_AFTER;
            }
        }
        try {
            Duration untilDate = Duration.between(now, ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME));
            return untilDate.isNegative() ? Duration.ZERO : atMostADay(untilDate);
        } catch (DateTimeParseException unreadable) {
            return null;
        }
    }

    private static Duration atMostADay(Duration wait) {
        return wait.compareTo(LONGEST_RETRY_AFTER) > 0 ? LONGEST_RETRY_AFTER : wait;
    }
}

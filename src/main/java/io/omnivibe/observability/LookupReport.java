package io.omnivibe.observability;

import java.time.Duration;

import io.omnivibe.upstream.ConversationKey;

/**
 * One finished lookup as operators see it: its outcome, the status it was answered with (a 304
 * when the caller already had the document), its upstream attempts (none when it joined an
 * identical lookup's call) and how long it took. {@code key} is null when the input was refused
 * before it existed.
 */
public record LookupReport(LookupOutcome outcome, int status, ConversationKey key, int attempts, boolean joinedCall,
        Duration duration) {

    public static LookupReport invalidInput(Duration duration) {
        return new LookupReport(LookupOutcome.INVALID_REQUEST, LookupOutcome.INVALID_REQUEST.status(), null, 0, false, duration);
    }
}

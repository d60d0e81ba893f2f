package io.omnivibe.lookup;

import java.time.Duration;

/** The moment a lookup's budget runs out, on the monotonic clock. */
public record Deadline(long expiresAtNanos) {

    static Deadline after(Duration budget) {
        return new Deadline(System.nanoTime() + budget.toNanos());
    }

    Duration remaining() {
        long left = expiresAtNanos - System.nanoTime();
        return left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
    }

    boolean expired() {
        return remaining().isZero();
    }
}

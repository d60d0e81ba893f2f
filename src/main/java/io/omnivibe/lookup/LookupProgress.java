package io.omnivibe.lookup;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** One lookup as it goes: when it started, when its budget runs out, how many upstream attempts it made. */
public final class LookupProgress {

    private final long startedNanos = System.nanoTime();
    private final long expiresAtNanos;
    private final AtomicInteger attempts = new AtomicInteger();

    LookupProgress(Duration budget) {
        this.expiresAtNanos = startedNanos + budget.toNanos();
    }

    Duration remaining() {
        long left = expiresAtNanos - System.nanoTime();
        return left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
    }

    boolean expired() {
        return remaining().isZero();
    }

    /** Counts an upstream attempt and returns its number, 1 for the first. */
    int nextAttempt() {
        return attempts.incrementAndGet();
    }

    int attempts() {
        return attempts.get();
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }
}

package io.omnivibe.resilience;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import io.omnivibe.callers.Caller;

/**
 * One lookup as it goes: whom it is for, when it started, when its budget runs out, how many
 * upstream attempts it made, and whether it joined an identical lookup's call instead (then it made none).
 */
public final class LookupProgress {

    private static final long SHORTEST_TIMER_NANOS = Duration.ofMillis(1).toNanos();

    private final long startedNanos = System.nanoTime();
    private final long expiresAtNanos;
    private final Caller caller;
    private final AtomicInteger attempts = new AtomicInteger();
    private volatile boolean joinedCallInFlight;
    /** A permit of the call cap taken for the next attempt before the circuit was entered. */
    private volatile boolean permitTaken;
    private volatile Throwable lastFailure;

    public LookupProgress(Duration budget, Caller caller) {
        this.expiresAtNanos = startedNanos + budget.toNanos();
        this.caller = caller;
    }

    /** Whom the lookup is for: its upstream call comes out of that caller's share. */
    Caller caller() {
        return caller;
    }

    /**
     * The budget left; zero when less than a millisecond is, since no timer can be set for less: an
     * event loop's refuses, and the lookup would never end.
     */
    public Duration remaining() {
        long left = expiresAtNanos - System.nanoTime();
        return left >= SHORTEST_TIMER_NANOS ? Duration.ofNanos(left) : Duration.ZERO;
    }

    boolean expired() {
        return remaining().isZero();
    }

    /** Counts an upstream attempt and returns its number, 1 for the first. */
    int nextAttempt() {
        return attempts.incrementAndGet();
    }

    public int attempts() {
        return attempts.get();
    }

    void permitTaken() {
        permitTaken = true;
    }

    /** Whether a permit was taken for this attempt already; it is then used. */
    boolean usePermitTaken() {
        boolean taken = permitTaken;
        permitTaken = false;
        return taken;
    }

    /** An attempt failed with {@code failure}, worth another. */
    void failed(Throwable failure) {
        lastFailure = failure;
    }

    Optional<Throwable> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }

    public void joinedCallInFlight() {
        joinedCallInFlight = true;
    }

    public boolean joined() {
        return joinedCallInFlight;
    }

    public Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }
}

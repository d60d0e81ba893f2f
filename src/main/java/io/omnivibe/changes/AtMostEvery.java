package io.omnivibe.changes;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** Lets something happen at most once an interval, whatever the threads asking: a log line, a notice to the fleet. */
final class AtMostEvery {

    private final long intervalNanos;
    private final AtomicLong nextNanos = new AtomicLong(System.nanoTime());

    AtMostEvery(Duration interval) {
        this.intervalNanos = interval.toNanos();
    }

    /** True for one caller once the interval since the last has passed; the first asks at once. */
    boolean now() {
        long now = System.nanoTime();
        long next = nextNanos.get();
        return now - next >= 0 && nextNanos.compareAndSet(next, now + intervalNanos);
    }
}

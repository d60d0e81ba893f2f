package io.omnivibe.resilience;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import jakarta.enterprise.util.TypeLiteral;

import io.omnivibe.shared.SharedCallCap;
import io.omnivibe.shared.SharedCallCap.Answer;
import io.omnivibe.shared.SharedCallCap.Granted;
import io.omnivibe.shared.SharedCallCap.Refused;
import io.omnivibe.shared.SharedCallCap.Unknown;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.faulttolerance.api.RateLimitException;
import io.smallrye.faulttolerance.api.RateLimitType;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;

/**
 * The cap on upstream calls per minute for a fleet sharing a Redis: every instance takes its
 * permits from one count there ({@link SharedCallCap}), a lease of a few at a time, so that a busy
 * instance asks Redis about once per lease, not once per call. A lease holds what the instance used
 * in its last second, at most {@link #largestLease} (half a second of the fleet's whole cap), at
 * least one; permits not used when it ends are given back.
 * <p>
 * Slow is not lost. While Redis is reachable, a lookup waits for its permit as long as its caller
 * lets it (one request to Redis at a time serves every lookup waiting), and a permit that does not
 * come in time is a refusal, like a spent cap. Redis's refusal stands for up to a lease's time
 * before it is asked again, so that a spent cap costs an instance about one request a second.
 * Only while Redis is known unreachable does an instance allow itself
 * {@code lookup.shared.offline-calls-per-minute} (at most the cap) in process, so that an outage
 * lets N instances spend at most N times that: the fleet's quota arithmetic is in the README.
 */
final class FleetCallCap {

    /** The generic type of the offline cap's guarded call, kept for native images, where it is read by reflection. */
    @RegisterForReflection
    static final class PermitUni extends TypeLiteral<Uni<Void>> {
    }

    /** What a lookup refused for want of a timely permit is told to wait: about when the next lease is asked for. */
    private static final Duration RETRY_AFTER_NO_PERMIT = SharedCallCap.LEASE;
    /** Between asking Redis for a lease it did not answer and asking again, for lookups still waiting. */
    private static final Duration PAUSE_BEFORE_ASKING_AGAIN = Duration.ofMillis(20);
    private static final Runnable NOTHING = () -> {
    };

    private final SharedCallCap shared;
    private final int callsPerMinute;
    /** What a permit's wait must leave of the lookup's budget: an attempt's shortest useful time. */
    private final Duration shortestAttempt;
    private final int largestLease;
    private final TypedGuard<Uni<Void>> offline;

    // Guarded by this.
    private Granted lease;
    private int leaseLeft;
    private long leaseEndsNanos;
    private boolean asking;
    /** Until when Redis's last refusal stands here without asking again, and when room comes back. */
    private long refusedUntilNanos = System.nanoTime();
    private long roomBackNanos = refusedUntilNanos;
    private final ArrayDeque<UniEmitter<? super Void>> waiting = new ArrayDeque<>();
    private long secondStartedNanos = System.nanoTime();
    private int usedThisSecond;
    private int usedLastSecond;

    FleetCallCap(SharedCallCap shared, int callsPerMinute, int offlineCallsPerMinute, Duration shortestAttempt) {
        this.shared = shared;
        this.callsPerMinute = callsPerMinute;
        this.shortestAttempt = shortestAttempt;
        this.largestLease = Math.max(1, callsPerMinute / 120);
        this.offline = TypedGuard.create(new PermitUni())
                .withDescription("omnivibe-upstream-offline-cap")
                .withRateLimit()
                .limit(Math.min(offlineCallsPerMinute, callsPerMinute))
                .window(1, ChronoUnit.MINUTES)
                .type(RateLimitType.ROLLING)
                .done()
                .build();
    }

    /**
     * Completes when the lookup's next attempt may be made; fails with {@link RateLimitException}
     * when the cap is spent or no permit came while the lookup could still make a useful attempt,
     * and with {@link LookupTimeoutException} when it cannot make one any more (no permit is spent
     * on it).
     */
    Uni<Void> permit(LookupProgress progress) {
        if (progress.expired()) {
            return Uni.createFrom().failure(new LookupTimeoutException());
        }
        synchronized (this) {
            if (takeFromLease()) {
                return Uni.createFrom().voidItem();
            }
            long now = System.nanoTime();
            if (now - refusedUntilNanos < 0) {
                return Uni.createFrom().failure(spent(Duration.ofNanos(roomBackNanos - now)));
            }
        }
        Duration wait = progress.remaining().minus(shortestAttempt);
        if (wait.isNegative() || wait.isZero()) {
            return Uni.createFrom().failure(new LookupTimeoutException());
        }
        if (shared.unreachable()) {
            // Whether it is back is learnt from a lease asked for now and then (the store tries
            // one operation a second); meanwhile this lookup does not wait for it.
            askInBackground();
            return offline.get(() -> Uni.createFrom().voidItem());
        }
        return Uni.createFrom().<Void> emitter(this::waitForLease)
                .ifNoItem().after(wait).failWith(() -> new RateLimitException(RETRY_AFTER_NO_PERMIT.toMillis(),
                        "no permit from the fleet's count in Redis within the lookup's time"));
    }

    private void waitForLease(UniEmitter<? super Void> lookup) {
        // Registered first: a lookup that stops waiting before it is queued is then not queued.
        AtomicBoolean stopped = new AtomicBoolean();
        lookup.onTermination(() -> {
            stopped.set(true);
            forget(lookup);
        });
        boolean granted;
        Runnable ask = NOTHING;
        synchronized (this) {
            if (stopped.get()) {
                return;
            }
            granted = takeFromLease();
            if (!granted) {
                waiting.add(lookup);
                ask = nextRequest();
            }
        }
        if (granted) {
            lookup.complete(null);
        } else {
            ask.run();
        }
    }

    private synchronized void forget(UniEmitter<? super Void> lookup) {
        waiting.remove(lookup);
    }

    private void askInBackground() {
        Runnable ask;
        synchronized (this) {
            ask = nextRequest();
        }
        ask.run();
    }

    /**
     * Under the lock, once the lease can hand out no more: ends it, and returns what to do outside
     * the lock: give back its unused permits and ask for the next lease, unless one is on its way.
     */
    private Runnable nextRequest() {
        if (asking) {
            return NOTHING;
        }
        asking = true;
        Granted ended = lease;
        int unused = leaseLeft;
        lease = null;
        leaseLeft = 0;
        int wanted = Math.min(largestLease, Math.max(1, Math.max(usedLastSecond, waiting.size())));
        return () -> {
            if (ended != null && unused > 0) {
                shared.giveBack(ended, unused);
            }
            // The lease is timed from before it is asked for, so that it ends no later than Redis counts it.
            long askedNanos = System.nanoTime();
            // Whatever goes wrong on the way, an answer comes: without it no lease would be asked for again.
            shared.lease(callsPerMinute, wanted).subscribe().with(answer -> leased(answer, askedNanos),
                    failure -> leased(new Unknown(), askedNanos));
        };
    }

    private void leased(Answer answer, long askedNanos) {
        List<UniEmitter<? super Void>> answered = new ArrayList<>();
        Consumer<UniEmitter<? super Void>> outcome;
        Runnable next = NOTHING;
        synchronized (this) {
            asking = false;
            if (answer instanceof Granted lease) {
                this.lease = lease;
                this.leaseLeft = lease.permits();
                this.leaseEndsNanos = askedNanos + SharedCallCap.LEASE.toNanos();
                while (!waiting.isEmpty() && takeFromLease()) {
                    answered.add(waiting.poll());
                }
                outcome = lookup -> lookup.complete(null);
                if (!waiting.isEmpty()) {
                    next = nextRequest();
                }
            } else if (answer instanceof Refused refused) {
                // A spent cap stays spent for a while: later lookups are refused here for up to a
                // lease's time (room given back by other instances meanwhile waits that long).
                long now = System.nanoTime();
                roomBackNanos = now + refused.retryAfter().toNanos();
                refusedUntilNanos = now + Math.min(refused.retryAfter().toNanos(), SharedCallCap.LEASE.toNanos());
                answered.addAll(waiting);
                waiting.clear();
                outcome = lookup -> lookup.fail(spent(refused.retryAfter()));
            } else if (shared.unreachable()) {
                // Found lost while this lease was asked for: the offline allowance applies.
                answered.addAll(waiting);
                waiting.clear();
                outcome = lookup -> offline.get(() -> Uni.createFrom().voidItem()).subscribe().with(lookup::complete, lookup::fail);
            } else {
                // Reachable, but this request had no answer (every connection busy, an error): ask
                // again shortly for whoever still waits; each stops waiting at its own deadline.
                outcome = lookup -> {
                };
                if (!waiting.isEmpty()) {
                    Runnable askAgain = nextRequest();
                    next = () -> Uni.createFrom().voidItem().onItem().delayIt().by(PAUSE_BEFORE_ASKING_AGAIN)
                            .subscribe().with(ignored -> askAgain.run());
                }
            }
        }
        answered.forEach(outcome);
        next.run();
    }

    private static RateLimitException spent(Duration retryAfter) {
        return new RateLimitException(Math.max(1, retryAfter.toMillis()), "the fleet's upstream calls for the last minute are spent");
    }

    /** Under the lock: takes a permit from the lease if it has one and has not ended. */
    private boolean takeFromLease() {
        long now = System.nanoTime();
        if (leaseLeft == 0 || now - leaseEndsNanos >= 0) {
            return false;
        }
        leaseLeft--;
        if (now - secondStartedNanos >= 1_000_000_000L) {
            usedLastSecond = now - secondStartedNanos >= 2_000_000_000L ? 0 : usedThisSecond;
            usedThisSecond = 0;
            secondStartedNanos = now;
        }
        usedThisSecond++;
        return true;
    }
}

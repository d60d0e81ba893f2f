package io.omnivibe.lookup;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongPredicate;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.omnivibe.changes.ChangeMarks;
import io.omnivibe.resilience.LookupTimeoutException;
import io.omnivibe.upstream.ConversationKey;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Upstream calls in flight, by conversation. A lookup of a conversation whose call is already on
 * its way joins that call instead of making its own, so that a thousand tabs polling one
 * conversation cost one call at a time. Only the same inbox, contact and conversation share a
 * call. A call runs to its end even when every caller has gone: its answer still refreshes the
 * last good copy.
 * <p>
 * A lookup that comes after Chatwoot said something changed does not join a call begun before it:
 * that call's answer may be the document from before the change. It makes a call of its own,
 * which the lookups after it join.
 */
@ApplicationScoped
class CallsInFlight {

    /** How long after the budget a call that never ends is given up, at most. */
    static final Duration STRAGGLER_GRACE = Duration.ofSeconds(1);

    /** A call, and when it began. */
    private record Call(Uni<LookupResult> answer, long startedNanos) {
    }

    private final ConcurrentMap<ConversationKey, Call> calls = new ConcurrentHashMap<>();
    /** Whether a change was heard at or after a moment. */
    private final LongPredicate changeHeardSince;
    private final Counter joined;

    @Inject
    CallsInFlight(ChangeMarks changes, MeterRegistry registry) {
        this(changes::heardSince, registry);
    }

    CallsInFlight(LongPredicate changeHeardSince, MeterRegistry registry) {
        this.changeHeardSince = changeHeardSince;
        this.joined = Counter.builder("omnivibe.lookups.coalesced")
                .description("Lookups answered by joining an identical lookup's upstream call")
                .register(registry);
    }

    /**
     * The call in flight for {@code key}, or {@code call} started as the one the next identical
     * lookups join. {@code onJoin} runs when this lookup joins another's call. A started call ends
     * by its own policies within {@code budget}; whatever happens inside it (an {@link Error}, a
     * callback that never comes) it ends at most {@link #STRAGGLER_GRACE} later, and leaves the
     * table when it ends, so that the next lookup makes a new call.
     */
    Uni<LookupResult> join(ConversationKey key, Supplier<Uni<LookupResult>> call, Duration budget, Runnable onJoin) {
        while (true) {
            Call inFlight = calls.get(key);
            if (inFlight != null && !changeHeardSince.test(inFlight.startedNanos())) {
                joined.increment();
                onJoin.run();
                return onOwnContext(inFlight.answer());
            }
            Call started = start(key, call, budget);
            boolean taken = inFlight == null ? calls.putIfAbsent(key, started) == null : calls.replace(key, inFlight, started);
            if (taken) {
                return started.answer();
            }
        }
    }

    /**
     * Memoized: each caller's cancellation (its budget, its going away) only detaches that
     * caller; the call itself ends by its own policies, or by the backstop. The backstop comes
     * after the budget, so that it never cancels a call its policies are ending (a bulkhead slot
     * given back before its connection is closed would let one call too many reach the upstream).
     * It leaves the table when it ends, unless a newer call has taken its place.
     */
    private Call start(ConversationKey key, Supplier<Uni<LookupResult>> call, Duration budget) {
        Call[] self = new Call[1];
        Uni<LookupResult> answer = Uni.createFrom().<LookupResult> deferred(call::get)
                .ifNoItem().after(budget.plus(STRAGGLER_GRACE)).failWith(LookupTimeoutException::new)
                .onTermination().invoke(() -> calls.remove(key, self[0]))
                .memoize().indefinitely();
        self[0] = new Call(answer, System.nanoTime());
        return self[0];
    }

    /**
     * The call answers on its starter's event loop; each joiner goes on on its own, so that the
     * joiners' answers are spread over the event loops instead of written one after another on the
     * starter's (about 10 % less CPU a lookup with 32 connections polling one conversation). Each
     * caller's trace id and request context follow it either way (context propagation).
     */
    private static Uni<LookupResult> onOwnContext(Uni<LookupResult> inFlight) {
        Context context = Vertx.currentContext();
        if (context == null) {
            return inFlight;
        }
        return inFlight.emitOn(command -> context.runOnContext(ignored -> command.run()));
    }
}

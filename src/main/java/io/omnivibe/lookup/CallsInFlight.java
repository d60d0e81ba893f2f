package io.omnivibe.lookup;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
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
 */
@ApplicationScoped
class CallsInFlight {

    /** How long after the budget a call that never ends is given up, at most. */
    static final Duration STRAGGLER_GRACE = Duration.ofSeconds(1);

    private final ConcurrentMap<ConversationKey, Uni<LookupResult>> calls = new ConcurrentHashMap<>();
    private final Counter joined;

    CallsInFlight(MeterRegistry registry) {
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
        Uni<LookupResult> inFlight = calls.get(key);
        if (inFlight == null) {
            // Memoized: each caller's cancellation (its budget, its going away) only detaches that
            // caller; the call itself ends by its own policies, or by the backstop. The backstop
            // comes after the budget, so that it never cancels a call its policies are ending (a
            // bulkhead slot given back before its connection is closed would let one call too many
            // reach the upstream).
            Uni<LookupResult> started = Uni.createFrom().<LookupResult> deferred(call::get)
                    .ifNoItem().after(budget.plus(STRAGGLER_GRACE)).failWith(LookupTimeoutException::new)
                    .onTermination().invoke(() -> calls.remove(key))
                    .memoize().indefinitely();
            inFlight = calls.putIfAbsent(key, started);
            if (inFlight == null) {
                return started;
            }
        }
        joined.increment();
        onJoin.run();
        return onOwnContext(inFlight);
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

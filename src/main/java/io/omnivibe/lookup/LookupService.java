package io.omnivibe.lookup;

import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.omnivibe.config.LookupPolicy;
import io.omnivibe.process.FatalErrors;
import io.omnivibe.resilience.Failures;
import io.omnivibe.resilience.LookupProgress;
import io.omnivibe.resilience.LookupTimeoutException;
import io.omnivibe.resilience.UpstreamGuard;
import io.omnivibe.shared.SharedCopies;
import io.omnivibe.shared.SharedCopy;
import io.omnivibe.upstream.ConversationKey;
import io.omnivibe.upstream.ConversationNotFoundException;
import io.smallrye.mutiny.Uni;

/**
 * Looks up a conversation within the lookup budget and, when the upstream fails, falls back to
 * the last good copy. A 404 never falls back: the conversation may have left the contact's reach.
 * Identical lookups in flight share one upstream call; each keeps its own budget and fallback.
 * With a shared store, good answers are shared with the fleet: the fallback and the freshness
 * window ({@code lookup.fresh-for-ms}) read the fleet's copy when this process has none.
 */
@ApplicationScoped
public class LookupService {

    private static final Logger LOG = Logger.getLogger(LookupService.class);

    private final UpstreamGuard guard;
    private final StaleStore staleStore;
    private final CallsInFlight callsInFlight;
    private final SharedCopies sharedCopies;
    private final Duration budget;
    private final Duration freshFor;

    LookupService(UpstreamGuard guard, StaleStore staleStore, CallsInFlight callsInFlight, SharedCopies sharedCopies,
            LookupPolicy policy) {
        this.guard = guard;
        this.staleStore = staleStore;
        this.callsInFlight = callsInFlight;
        this.sharedCopies = sharedCopies;
        this.budget = Duration.ofMillis(policy.budgetMs());
        this.freshFor = Duration.ofMillis(policy.freshForMs());
    }

    /** Starts the clock of a lookup: its budget runs from now. */
    public LookupProgress begin() {
        return new LookupProgress(budget);
    }

    /**
     * The lookup, with its fallback as a recovery on the {@code Uni}: a fallback interceptor would
     * wrap every lookup in SmallRye's machinery for an outcome that is a plain function of the failure.
     */
    public Uni<LookupResult> lookup(ConversationKey key, LookupProgress progress) {
        return freshOrRecent(key, progress)
                .onFailure(failure -> !(failure instanceof ConversationNotFoundException))
                .recoverWithUni(failure -> staleCopy(key, failure));
    }

    private Uni<LookupResult> freshOrRecent(ConversationKey key, LookupProgress progress) {
        if (freshFor.isZero()) {
            return upstreamLookup(key, progress);
        }
        Optional<StaleCopy> local = staleStore.recall(key);
        if (local.isPresent() && isRecent(local.get())) {
            return Uni.createFrom().item(LookupResult.recent(local.get()));
        }
        if (!sharedCopies.enabled()) {
            return upstreamLookup(key, progress);
        }
        return sharedCopies.read(key).flatMap(shared -> shared.map(LookupService::asStaleCopy)
                .filter(this::isRecent)
                .flatMap(copy -> staleStore.adopt(key, copy))
                .map(recent -> Uni.createFrom().item(LookupResult.recent(recent)))
                .orElseGet(() -> upstreamLookup(key, progress)));
    }

    private boolean isRecent(StaleCopy copy) {
        return copy.age().compareTo(freshFor) < 0;
    }

    private static StaleCopy asStaleCopy(SharedCopy copy) {
        return new StaleCopy(copy.json(), copy.etag(), copy.age());
    }

    private Uni<LookupResult> upstreamLookup(ConversationKey key, LookupProgress progress) {
        Duration remaining = progress.remaining();
        if (remaining.isZero()) {
            // Spent before the call (reading the fleet's copy can take it all): a timer needs time
            // left, and a call started now could only end in this timeout.
            return Uni.createFrom().failure(new LookupTimeoutException());
        }
        return callsInFlight.join(key, () -> call(key, progress), remaining, progress::joinedCallInFlight)
                .ifNoItem().after(remaining).failWith(LookupTimeoutException::new);
    }

    /**
     * One upstream call, shared by the lookups that join it: the tag is computed and the copy kept
     * once. A conversation that comes back unchanged keeps its tag: comparing the bytes with the
     * last good copy costs far less than checking and hashing them again.
     */
    private Uni<LookupResult> call(ConversationKey key, LookupProgress progress) {
        Optional<StaleCopy> lastGood = staleStore.recall(key);
        return guard.fetch(key, lastGood.map(StaleCopy::json).orElse(null), progress)
                .map(document -> document.unchanged()
                        ? LookupResult.fresh(document.json(), lastGood.orElseThrow().etag())
                        : LookupResult.fresh(document.json()))
                .invoke(fresh -> {
                    staleStore.remember(key, fresh);
                    sharedCopies.keep(key, fresh.json(), fresh.etag());
                })
                .onFailure(ConversationNotFoundException.class).invoke(() -> {
                    // Out of the contact's reach now: a later failure must not bring it back.
                    staleStore.forget(key);
                    sharedCopies.forget(key);
                });
    }

    private Uni<LookupResult> staleCopy(ConversationKey key, Throwable failure) {
        // A broken process must not hide behind its copies.
        FatalErrors.endProcessIfFatal(failure);
        Optional<StaleCopy> local = staleStore.recall(key);
        if (local.isPresent() || !sharedCopies.enabled()) {
            return served(key, local, failure, "the");
        }
        return sharedCopies.read(key).flatMap(shared -> {
            if (shared.isEmpty()) {
                // A fresh answer may have landed here since the first look.
                return served(key, staleStore.recall(key), failure, "the");
            }
            StaleCopy fleetCopy = asStaleCopy(shared.get());
            // A fresh answer may have landed here since the read: the newer copy is served.
            Optional<StaleCopy> kept = staleStore.adopt(key, fleetCopy);
            return served(key, kept, failure, kept.filter(copy -> copy == fleetCopy).isPresent() ? "the fleet's" : "the");
        });
    }

    private static Uni<LookupResult> served(ConversationKey key, Optional<StaleCopy> copy, Throwable failure, String whose) {
        return copy
                .map(stale -> {
                    LOG.warnf("Lookup of %s failed (%s); serving %s copy from %ds ago", key, Failures.describe(failure), whose,
                            stale.age().toSeconds());
                    return Uni.createFrom().item(LookupResult.stale(stale));
                })
                .orElseGet(() -> {
                    LOG.warnf("Lookup of %s failed (%s); no copy to serve", key, Failures.describe(failure));
                    return Uni.createFrom().failure(failure);
                });
    }
}

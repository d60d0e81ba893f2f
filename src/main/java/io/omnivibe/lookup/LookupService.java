package io.omnivibe.lookup;

import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.omnivibe.callers.Caller;
import io.omnivibe.changes.ChangeMarks;
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
import io.omnivibe.upstream.DocumentIds;
import io.smallrye.mutiny.Uni;

/**
 * Looks up a conversation within the lookup budget and, when the upstream fails, falls back to
 * the last good copy. A 404 never falls back: the conversation may have left the contact's reach.
 * The upstream's 404 is remembered in the copy's place for {@link LookupPolicy#absentForMs()}, so
 * that a caller polling a deleted conversation does not spend the upstream's quota at its pace.
 * Identical lookups in flight share one upstream call; each keeps its own budget and fallback.
 * With a shared store, good answers are shared with the fleet: the fallback and the freshness
 * window ({@code lookup.fresh-for-ms}) read the fleet's copy when this process has none. Whether a
 * copy is still current, webhooks included, is {@link ChangeMarks}'s to say.
 */
@ApplicationScoped
public class LookupService {

    private static final Logger LOG = Logger.getLogger(LookupService.class);

    private final UpstreamGuard guard;
    private final StaleStore staleStore;
    private final CallsInFlight callsInFlight;
    private final SharedCopies sharedCopies;
    private final ChangeMarks changes;
    private final Duration budget;
    private final Duration freshFor;
    private final Duration absentFor;

    LookupService(UpstreamGuard guard, StaleStore staleStore, CallsInFlight callsInFlight, SharedCopies sharedCopies,
            ChangeMarks changes, LookupPolicy policy) {
        this.guard = guard;
        this.staleStore = staleStore;
        this.callsInFlight = callsInFlight;
        this.sharedCopies = sharedCopies;
        this.changes = changes;
        this.budget = Duration.ofMillis(policy.budgetMs());
        this.freshFor = Duration.ofMillis(policy.freshForMs());
        this.absentFor = Duration.ofMillis(policy.absentForMs());
    }

    /** Starts the clock of a lookup for {@code caller}: its budget runs from now. */
    public LookupProgress begin(Caller caller) {
        return new LookupProgress(budget, caller);
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

    /** Whether a lookup may be answered from a copy ({@code lookup.fresh-for-ms} above 0). */
    public boolean answersFromCopies() {
        return !freshFor.isZero();
    }

    /**
     * The copy this instance holds of the conversation, when it may be answered without the
     * upstream; nothing is asked of Redis or the upstream, so this never waits.
     */
    public Optional<LookupResult> recentCopy(ConversationKey key) {
        if (freshFor.isZero()) {
            return Optional.empty();
        }
        return staleStore.recall(key).filter(copy -> isCurrent(key, copy)).map(LookupResult::recent);
    }

    private Uni<LookupResult> freshOrRecent(ConversationKey key, LookupProgress progress) {
        Optional<Duration> absence = staleStore.recallAbsence(key).filter(age -> changes.isAbsenceCurrent(key, age));
        if (absence.isPresent()) {
            return Uni.createFrom().failure(ConversationNotFoundException.remembered(absence.get()));
        }
        if (freshFor.isZero()) {
            return upstreamLookup(key, progress);
        }
        Optional<LookupResult> local = recentCopy(key);
        if (local.isPresent()) {
            return Uni.createFrom().item(local.get());
        }
        if (!sharedCopies.enabled()) {
            return upstreamLookup(key, progress);
        }
        return sharedCopies.read(key).flatMap(shared -> {
            if (shared.isPresent() && shared.get().absent()) {
                return fleetsAbsence(key, shared.get().age(), progress);
            }
            return shared.map(LookupService::asStaleCopy)
                    .filter(copy -> isCurrent(key, copy))
                    .flatMap(copy -> staleStore.adopt(key, copy))
                    .map(recent -> Uni.createFrom().item(LookupResult.recent(recent)))
                    .orElseGet(() -> upstreamLookup(key, progress));
        });
    }

    /** Another instance's 404: answered again while current, and kept here for the lookups after this one. */
    private Uni<LookupResult> fleetsAbsence(ConversationKey key, Duration age, LookupProgress progress) {
        if (!changes.isAbsenceCurrent(key, age)) {
            return upstreamLookup(key, progress);
        }
        staleStore.adoptAbsence(key, age);
        return Uni.createFrom().failure(ConversationNotFoundException.remembered(age));
    }

    private boolean isCurrent(ConversationKey key, StaleCopy copy) {
        return changes.isCurrent(key, copy.ids(), copy.age());
    }

    private static StaleCopy asStaleCopy(SharedCopy copy) {
        return new StaleCopy(copy.json(), copy.etag(), copy.ids(), copy.age());
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
        // A change heard after this moment may not be in the document: its copy counts from here.
        long startedNanos = System.nanoTime();
        Optional<StaleCopy> lastGood = staleStore.recall(key);
        return guard.fetch(key, lastGood.map(StaleCopy::json).orElse(null), progress)
                .map(document -> {
                    Duration alreadyOld = Duration.ofNanos(System.nanoTime() - startedNanos);
                    if (document.unchanged()) {
                        StaleCopy same = lastGood.orElseThrow();
                        return keep(key, LookupResult.fresh(document.json(), same.etag()), same.ids(), alreadyOld);
                    }
                    return keep(key, LookupResult.fresh(document.json()), document.ids(), alreadyOld);
                })
                .onFailure(ConversationNotFoundException.class).invoke(() -> {
                    // Out of the contact's reach now: a later failure must not bring its copy back.
                    Duration alreadyOld = Duration.ofNanos(System.nanoTime() - startedNanos);
                    if (absentFor.isZero()) {
                        staleStore.forget(key);
                    } else {
                        staleStore.rememberAbsence(key, alreadyOld);
                    }
                    // The fleet reads 404s where it reads copies: only while copies are answered.
                    if (freshFor.isZero()) {
                        sharedCopies.forget(key);
                    } else {
                        sharedCopies.keepAbsence(key, absentFor, alreadyOld);
                    }
                });
    }

    private LookupResult keep(ConversationKey key, LookupResult fresh, DocumentIds ids, Duration alreadyOld) {
        staleStore.remember(key, fresh, ids, alreadyOld);
        sharedCopies.keep(key, fresh.json(), fresh.etag(), ids, alreadyOld);
        return fresh;
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
            if (shared.get().absent()) {
                // The fleet's latest answer was a 404: there is no good copy to serve.
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

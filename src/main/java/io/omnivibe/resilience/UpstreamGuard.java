package io.omnivibe.resilience;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.util.TypeLiteral;

import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.omnivibe.config.LookupPolicy;
import io.omnivibe.observability.LookupObserver;
import io.omnivibe.shared.SharedCallCap;
import io.omnivibe.upstream.BodyBudgetSpentException;
import io.omnivibe.upstream.ConversationDocument;
import io.omnivibe.upstream.ConversationKey;
import io.omnivibe.upstream.ConversationNotFoundException;
import io.omnivibe.upstream.OmnivibeConversations;
import io.omnivibe.upstream.TransientUpstreamException;
import io.omnivibe.upstream.UpstreamBodyTooLargeException;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.RateLimitException;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * The policies around the upstream, nested so that each counts what it should:
 * <ol>
 * <li>a bulkhead admits a bounded number of lookups at once; a refused lookup never reaches the
 * circuit, so overload cannot open it;</li>
 * <li>the circuit breaker sees one outcome per lookup, after its retries, so that one failing
 * conversation counts once, not once per attempt;</li>
 * <li>inside, transient failures are retried with backoff, each attempt under its own timeout and
 * the lookup's budget, whichever ends first; a retry whose wait would leave the next attempt less
 * than its shortest useful time ({@link LookupPolicy#shortestAttemptMs()}, and the fleet cap's
 * Redis round trip) is not made, and the lookup ends with its failure at once instead of holding
 * its bulkhead slot;</li>
 * <li>every attempt, retries included, needs a permit from the cap on upstream calls per minute:
 * this instance's own ({@link InstanceCallCap}), or with a shared store the fleet's
 * ({@link FleetCallCap}). A refusal is our own decision, not the upstream's outcome, and SmallRye's
 * circuit has no "not counted" (it would count a success): so while the circuit is closed the
 * first attempt's permit is taken before it, whose window a refused lookup then never enters, and
 * a refused retry ends the lookup with the failure it was retrying, which the circuit counts as
 * what it is. While the circuit is open or half-open every permit is taken inside it: a lookup
 * the circuit refuses spends none, and a trial the cap refuses counts as failed, so the circuit
 * opens again rather than closing without a call.</li>
 * <li>before that first permit, the lookup's caller must be within its share of the cap
 * ({@link CallerShares}): over it, the lookup is refused as over the cap, so that one caller cannot
 * spend what the others need. With a shared store each instance shares out what it calls.</li>
 * </ol>
 * SmallRye Fault Tolerance applies the strategies of one guard in a fixed order (retry outside the
 * circuit breaker, circuit breaker outside the bulkhead), so the three layers are three guards.
 * Every number comes from {@link LookupPolicy}.
 * <p>
 * The guarded calls never block, so each guard runs them on the caller's thread
 * ({@link #ON_THE_CALLING_THREAD}). Left to itself, a guard called on an event loop goes through
 * that event loop's task queue when a call starts and again when it ends, capturing the request's
 * context each time: six hops a lookup for three guards. {@link #fetch} instead comes back to the
 * caller's context once: an answer arrives on the REST client's context (after a retry's wait, on
 * the worker thread SmallRye's timer hands the attempt to; after a timeout, where the attempt's
 * timer was set); a refusal
 * (bulkhead, open circuit, cap) comes at once, on the caller's context, and needs no hop. The
 * guards pass {@link CompletionStage}s, not {@link Uni}s: a {@code Uni} crossing a guard is
 * subscribed and re-created, and each of those captures the request's context again; the attempt
 * is turned into a stage once, and back once.
 * <p>
 * An attempt's timeout is Mutiny's ({@code ifNoItem}), merged with the lookup budget's, not
 * SmallRye's: SmallRye's timer thread is woken for every timeout it is given, a context switch a
 * lookup that cost about an eighth of a lookup's CPU at 32 connections (docs/performance.md), while
 * Quarkus gives Mutiny a scheduler that, called on an event loop, sets a Vert.x timer on that event
 * loop: no other thread is woken (off an event loop, after a retry's wait, its worker pool's
 * timer). It fails with SmallRye's {@link TimeoutException}, so that retries, the circuit and the
 * answer (504) treat it as before. SmallRye's timer still runs the retries' waits, which only
 * failing attempts have.
 */
@ApplicationScoped
// Built while the service starts, after the settings check: a guard that cannot be built stops
// start-up, not a lookup.
@Startup
public class UpstreamGuard {

    /** The generic type of the guarded calls, kept for native images, where it is read by reflection. */
    @RegisterForReflection
    static final class DocumentStage extends TypeLiteral<CompletionStage<ConversationDocument>> {
    }

    private static final Executor ON_THE_CALLING_THREAD = Runnable::run;
    private static final TransientFailure TRANSIENT = new TransientFailure();

    private final OmnivibeConversations upstream;
    private final UpstreamState state;
    private final LookupObserver observer;
    private final TypedGuard<CompletionStage<ConversationDocument>> lookupsInFlight;
    private final TypedGuard<CompletionStage<ConversationDocument>> circuit;
    private final TypedGuard<CompletionStage<ConversationDocument>> attempts;
    /** This instance's cap when there is a cap and no shared store; null otherwise. */
    private final InstanceCallCap instanceCap;
    /** The fleet's cap when a shared store is named and there is a cap; null otherwise. */
    private final FleetCallCap fleetCap;
    /** The cap shared fairly between callers, when there is a cap; null otherwise. */
    private final CallerShares shares;
    private final Counter refusals;
    private final Counter shareRefusals;
    private final Duration attemptTimeout;
    private final int maxRetries;
    private final RetryBackoff backoff;
    /** What a retry's wait must leave of the budget ({@link LookupPolicy#timeAnAttemptNeedsMs}). */
    private final Duration timeAnAttemptNeeds;

    UpstreamGuard(OmnivibeConversations upstream, UpstreamState state, LookupObserver observer, LookupPolicy policy,
            SharedCallCap sharedCap, MeterRegistry registry) {
        this.upstream = upstream;
        this.state = state;
        this.observer = observer;
        this.lookupsInFlight = TypedGuard.create(new DocumentStage())
                .withDescription("omnivibe-upstream-bulkhead")
                .withThreadOffload(true).withThreadOffloadExecutor(ON_THE_CALLING_THREAD)
                // SmallRye needs a queue of at least one for non-blocking calls: one lookup may wait
                // for a slot (within its budget), every further one is refused at once.
                .withBulkhead().limit(policy.bulkhead().maxInFlight()).queueSize(1).done()
                .build();
        this.refusals = Counter.builder("omnivibe.upstream.calls.refused")
                .description("Upstream calls not made: the cap on calls per minute was reached (cap), or the caller's"
                        + " share of it while others wanted theirs (share)")
                .tag("reason", "cap")
                .register(registry);
        this.shareRefusals = Counter.builder("omnivibe.upstream.calls.refused")
                .description("Upstream calls not made: the cap on calls per minute was reached (cap), or the caller's"
                        + " share of it while others wanted theirs (share)")
                .tag("reason", "share")
                .register(registry);
        LookupPolicy.CircuitBreaker breaker = policy.circuitBreaker();
        this.circuit = TypedGuard.create(new DocumentStage())
                .withDescription("omnivibe-upstream-circuit")
                .withThreadOffload(true).withThreadOffloadExecutor(ON_THE_CALLING_THREAD)
                .withCircuitBreaker()
                .requestVolumeThreshold(breaker.window())
                .failureRatio(breaker.failureRatio())
                .delay(breaker.delayMs(), ChronoUnit.MILLIS)
                .successThreshold(breaker.trialLookups())
                // A 404 is a healthy upstream's answer, not a sign of trouble; nor is a body too
                // large, or one this instance had no room for: they must not open the circuit for
                // every other conversation. (A call the cap refuses never gets here: see the
                // class's comment.)
                .skipOn(List.of(ConversationNotFoundException.class, UpstreamBodyTooLargeException.class,
                        BodyBudgetSpentException.class))
                .onStateChange(state::circuitChanged)
                .done()
                .build();
        this.attempts = TypedGuard.create(new DocumentStage())
                .withDescription("omnivibe-upstream-attempts")
                .withThreadOffload(true).withThreadOffloadExecutor(ON_THE_CALLING_THREAD)
                .withRetry()
                .maxRetries(policy.retry().maxRetries())
                // Whether and after what wait to retry is decided by nextStep, where the lookup's
                // budget is known; SmallRye counts the retries and waits, so that the cap's permit
                // below is taken when the call is made. The last planned retry, when none is left,
                // leaves the guard and fetch hands on its failure.
                .whenException(PlannedRetry.class::isInstance)
                .withCustomBackoff().strategy(() -> planned -> ((PlannedRetry) planned).retryWait().toMillis()).done()
                .delay(0, ChronoUnit.MILLIS)
                .jitter(0, ChronoUnit.MILLIS)
                // The lookup budget bounds retries; this only has to be longer than it.
                .maxDuration(policy.budgetMs() * 2, ChronoUnit.MILLIS)
                .done()
                .build();
        int callsPerMinute = policy.upstream().maxCallsPerMinute();
        this.fleetCap = callsPerMinute > 0 && sharedCap.enabled()
                ? new FleetCallCap(sharedCap, callsPerMinute, policy.shared().offlineCallsPerMinute(),
                        Duration.ofMillis(policy.shortestAttemptMs()))
                : null;
        this.instanceCap = callsPerMinute > 0 && fleetCap == null ? new InstanceCallCap(callsPerMinute) : null;
        this.shares = callsPerMinute > 0 ? new CallerShares(callsPerMinute) : null;
        if (callsPerMinute > 0) {
            Gauge.builder("omnivibe.callers.active", shares, CallerShares::active)
                    .description("Callers that asked for upstream calls in the last share window (at most "
                            + CallerShares.MAX_CALLERS + " are told apart)")
                    .register(registry);
            // The cap as a series, so that a dashboard can draw the calls made against it.
            Gauge.builder("omnivibe.upstream.calls.per.minute.cap", () -> callsPerMinute)
                    .description("The cap on upstream calls a minute: the fleet's, shared through Redis, or this instance's")
                    .tag("scope", fleetCap != null ? "fleet" : "instance")
                    .register(registry);
        }
        this.attemptTimeout = Duration.ofMillis(policy.attemptTimeoutMs());
        this.maxRetries = policy.retry().maxRetries();
        this.backoff = new RetryBackoff(policy.retry().initialDelayMs());
        this.timeAnAttemptNeeds = Duration.ofMillis(policy.timeAnAttemptNeedsMs(sharedCap.enabled()));
    }

    /** {@code lastGood}: the last good body of this conversation, or null; it is not checked again. */
    public Uni<ConversationDocument> fetch(ConversationKey key, byte[] lastGood, LookupProgress progress) {
        Uni<ConversationDocument> guarded = Uni.createFrom().completionStage(() -> lookupsInFlight.get(() -> permittedLookup(key, lastGood,
                progress)))
                .onFailure(PlannedRetry.class).transform(Throwable::getCause);
        Context caller = Vertx.currentContext();
        return caller == null ? guarded : guarded.emitOn(backOn(caller));
    }

    /** Goes on on the caller's context (its trace id and request scope), hopping only when not already on it. */
    private static Executor backOn(Context caller) {
        return task -> {
            if (Vertx.currentContext() == caller) {
                task.run();
            } else {
                caller.runOnContext(ignored -> task.run());
            }
        };
    }

    /**
     * While the circuit is closed, the first attempt's permit, then the circuit and the attempts: a
     * lookup the cap refuses never reaches the circuit.
     */
    private CompletionStage<ConversationDocument> permittedLookup(ConversationKey key, byte[] lastGood, LookupProgress progress) {
        if (state.circuitState() != CircuitBreakerState.CLOSED) {
            return guardedAttempts(key, lastGood, progress);
        }
        if (shares != null) {
            Optional<ShareSpentException> overShare = shares.admit(progress.caller());
            if (overShare.isPresent()) {
                shareRefusals.increment();
                return CompletableFuture.failedFuture(overShare.get());
            }
        }
        if (instanceCap != null) {
            Optional<RateLimitException> refused = instanceCap.take();
            if (refused.isPresent()) {
                refusals.increment();
                shares.notMade(progress.caller());
                return CompletableFuture.failedFuture(refused.get());
            }
            progress.permitTaken();
            return guardedAttempts(key, lastGood, progress);
        }
        if (fleetCap != null) {
            return fleetCap.permit(progress)
                    .onFailure().invoke(failure -> {
                        shares.notMade(progress.caller());
                        if (failure instanceof RateLimitException) {
                            refusals.increment();
                        }
                    })
                    .subscribeAsCompletionStage()
                    .thenCompose(granted -> {
                        progress.permitTaken();
                        return guardedAttempts(key, lastGood, progress);
                    });
        }
        return guardedAttempts(key, lastGood, progress);
    }

    private CompletionStage<ConversationDocument> guardedAttempts(ConversationKey key, byte[] lastGood, LookupProgress progress) {
        return circuit.get(() -> attempts.get(() -> attempt(key, lastGood, progress).subscribeAsCompletionStage()));
    }

    /**
     * One upstream attempt. It ends no later than the lookup's budget, so that the circuit breaker
     * records every lookup's outcome, even one cut short by the budget. An attempt without a permit
     * (a retry, or a trial of the circuit) takes its own; refused, the lookup ends with the failure
     * it retried, or the refusal.
     */
    private Uni<ConversationDocument> attempt(ConversationKey key, byte[] lastGood, LookupProgress progress) {
        if ((instanceCap == null && fleetCap == null) || progress.usePermitTaken()) {
            return permittedAttempt(key, lastGood, progress);
        }
        if (instanceCap != null) {
            Optional<RateLimitException> refused = instanceCap.take();
            return refused.isEmpty()
                    ? permittedAttempt(key, lastGood, progress)
                    : Uni.createFrom().failure(afterRefusal(refused.get(), progress));
        }
        return fleetCap.permit(progress)
                .onFailure(RateLimitException.class).transform(refused -> afterRefusal(refused, progress))
                .chain(() -> permittedAttempt(key, lastGood, progress));
    }

    /**
     * An attempt the cap refused inside the circuit: a retry ends the lookup with the upstream's
     * failure, a trial with the refusal; the circuit counts either as failed.
     */
    private Throwable afterRefusal(Throwable refused, LookupProgress progress) {
        refusals.increment();
        return progress.lastFailure().orElse(refused);
    }

    private Uni<ConversationDocument> permittedAttempt(ConversationKey key, byte[] lastGood, LookupProgress progress) {
        Duration remaining = progress.remaining();
        if (remaining.isZero()) {
            // Spent before this attempt: by the retries before it, or by the cap's round trip to Redis.
            return Uni.createFrom().failure(new LookupTimeoutException());
        }
        LookupObserver.Attempt attempt = observer.attemptStarted(progress.nextAttempt());
        boolean budgetEndsFirst = remaining.compareTo(attemptTimeout) <= 0;
        return upstream.fetch(key, lastGood)
                .onItemOrFailure().invoke((document, failure) -> attempt.ended(failure))
                .onCancellation().invoke(attempt::timedOut)
                .ifNoItem().after(budgetEndsFirst ? remaining : attemptTimeout)
                .failWith(() -> budgetEndsFirst
                        ? new LookupTimeoutException()
                        : new TimeoutException("upstream gave no answer within the attempt timeout"))
                .onFailure(TRANSIENT).transform(failure -> nextStep(failure, progress))
                .invoke(state::recordSuccess);
    }

    /**
     * After a failure worth retrying: a {@link PlannedRetry} with its wait (the upstream's
     * {@code Retry-After}, else the backoff's) when the wait leaves the next attempt the time it
     * needs within the budget, and one without a wait when no retry is left, which SmallRye ends
     * (its metrics count the lookup as one whose retries were spent). Otherwise the lookup ends now:
     * with the failure as it is, or, when the upstream asked for a wait it cannot have, as a
     * {@link RetryAfterBeyondBudgetException} that passes the wait on to the caller.
     */
    private Throwable nextStep(Throwable failure, LookupProgress progress) {
        progress.failed(failure);
        Optional<Duration> retryAfter = failure instanceof TransientUpstreamException upstreamFailure
                ? upstreamFailure.retryAfter()
                : Optional.empty();
        Duration usable = progress.remaining().minus(timeAnAttemptNeeds);
        if (retryAfter.isPresent() && retryAfter.get().compareTo(usable) >= 0) {
            return new RetryAfterBeyondBudgetException(retryAfter.get());
        }
        int attemptsMade = progress.attempts();
        if (attemptsMade > maxRetries) {
            // No retry is left: SmallRye ends the lookup as one whose retries were spent.
            return new PlannedRetry(failure, Duration.ZERO);
        }
        Duration wait = retryAfter.orElseGet(() -> backoff.before(attemptsMade));
        return wait.compareTo(usable) < 0 ? new PlannedRetry(failure, wait) : failure;
    }
}

package io.omnivibe.resilience;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.Bulkhead;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;

import io.omnivibe.observability.LookupObserver;
import io.omnivibe.upstream.ConversationDocument;
import io.omnivibe.upstream.ConversationKey;
import io.omnivibe.upstream.ConversationNotFoundException;
import io.omnivibe.upstream.OmnivibeConversations;
import io.omnivibe.upstream.TransientUpstreamException;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import io.smallrye.faulttolerance.api.CustomBackoff;
import io.smallrye.faulttolerance.api.RetryWhen;
import io.smallrye.mutiny.Uni;

/**
 * The per-attempt policies around the upstream: each attempt is timed out, runs only while the
 * circuit lets it and a bulkhead slot is free, and transient failures are retried with backoff.
 * Every number comes from the "Lookup policies" group of application.properties.
 */
@ApplicationScoped
public class UpstreamGuard {

    static final String CIRCUIT = "omnivibe-upstream";

    private final OmnivibeConversations upstream;
    private final UpstreamState state;
    private final LookupObserver observer;

    UpstreamGuard(OmnivibeConversations upstream, UpstreamState state, LookupObserver observer) {
        this.upstream = upstream;
        this.state = state;
        this.observer = observer;
    }

    @Retry
    @RetryWhen(exception = TransientFailure.class)
    @CustomBackoff(RetryBackoff.class)
    // A 404 is a healthy upstream's answer, not a sign of trouble.
    @CircuitBreaker(skipOn = ConversationNotFoundException.class)
    @CircuitBreakerName(CIRCUIT)
    @Timeout
    @Bulkhead
    public Uni<ConversationDocument> fetch(ConversationKey key, LookupProgress progress) {
        if (progress.expired()) {
            return Uni.createFrom().failure(new LookupTimeoutException());
        }
        LookupObserver.Attempt attempt = observer.attemptStarted(progress.nextAttempt());
        return upstream.fetch(key)
                .onItemOrFailure().invoke((document, failure) -> attempt.ended(failure))
                .onCancellation().invoke(attempt::timedOut)
                .onFailure(TransientUpstreamException.class)
                .transform(failure -> waitIsAffordable((TransientUpstreamException) failure, progress))
                .invoke(state::recordSuccess);
    }

    /** A {@code Retry-After} longer than what is left of the budget ends the lookup now. */
    private static RuntimeException waitIsAffordable(TransientUpstreamException failure, LookupProgress progress) {
        return failure.retryAfter()
                .filter(retryAfter -> retryAfter.compareTo(progress.remaining()) >= 0)
                .<RuntimeException> map(RetryAfterBeyondBudgetException::new)
                .orElse(failure);
    }
}

package io.omnivibe.lookup;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.Bulkhead;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;

import io.omnivibe.upstream.ConversationDocument;
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

    UpstreamGuard(OmnivibeConversations upstream, UpstreamState state) {
        this.upstream = upstream;
        this.state = state;
    }

    @Retry
    @RetryWhen(exception = TransientFailure.class)
    @CustomBackoff(RetryBackoff.class)
    // A 404 is a healthy upstream's answer, not a sign of trouble.
    @CircuitBreaker(skipOn = ConversationNotFoundException.class)
    @CircuitBreakerName(CIRCUIT)
    @Timeout
    @Bulkhead
    public Uni<ConversationDocument> fetch(ConversationKey key, Deadline deadline) {
        if (deadline.expired()) {
            return Uni.createFrom().failure(new LookupTimeoutException());
        }
        return upstream.fetch(key.inboxIdentifier(), key.contactIdentifier(), key.conversationId())
                .onFailure(TransientUpstreamException.class)
                .transform(failure -> waitIsAffordable((TransientUpstreamException) failure, deadline))
                .invoke(state::recordSuccess);
    }

    /** A {@code Retry-After} longer than what is left of the budget ends the lookup now. */
    private static RuntimeException waitIsAffordable(TransientUpstreamException failure, Deadline deadline) {
        return failure.retryAfter()
                .filter(retryAfter -> retryAfter.compareTo(deadline.remaining()) >= 0)
                .<RuntimeException> map(RetryAfterBeyondBudgetException::new)
                .orElse(failure);
    }
}

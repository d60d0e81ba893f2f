package io.omnivibe.upstream;

import java.net.ConnectException;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.rest.client.inject.RestClient;

import io.omnivibe.process.FatalErrors;
import io.smallrye.mutiny.Uni;

/**
 * One plain attempt at reading a conversation from the upstream, with every outcome turned into a
 * {@link ConversationDocument} or an {@link UpstreamException}. No policies here: the lookup
 * resilience layer decides what to retry and when to give up.
 */
@ApplicationScoped
public class OmnivibeConversations {

    private final OmnivibeClient client;
    private final UpstreamBodies bodies;

    OmnivibeConversations(@RestClient OmnivibeClient client, UpstreamBodies bodies) {
        this.client = client;
        this.bodies = bodies;
    }

    /** {@code lastGood}: the last good body of this conversation, or null (see {@link UpstreamBodies#read}). */
    public Uni<ConversationDocument> fetch(ConversationKey key, byte[] lastGood) {
        return client.getConversation(key.inboxIdentifier(), key.contactIdentifier(), key.conversationId())
                .onFailure(failure -> !(failure instanceof UpstreamException))
                .transform(OmnivibeConversations::transportFailure)
                .flatMap(response -> {
                    // 4xx and 5xx failed above; only a 200 has its body handed on (UpstreamBodyFilter).
                    if (response.getStatus() != 200) {
                        return Uni.createFrom().failure(new UnexpectedUpstreamStatusException(response.getStatus()));
                    }
                    if (!(response.getEntity() instanceof PendingBody body)) {
                        response.close();
                        return Uni.createFrom().failure(new IllegalStateException("a 200's body reached the service unbounded"));
                    }
                    return bodies.read(body, lastGood);
                });
    }

    /**
     * The client's own exceptions can carry the request URL, which holds the identifiers, so only
     * their kind is kept.
     */
    private static UpstreamException transportFailure(Throwable failure) {
        // An out-of-memory error inside the client arrives as its failure's cause.
        FatalErrors.endProcessIfFatal(failure);
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException) {
                return new UpstreamTransportException("upstream refused the connection");
            }
        }
        return new UpstreamTransportException("upstream connection failed or its answer was cut off");
    }
}

package io.omnivibe.upstream;

import java.net.ConnectException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;

import javax.net.ssl.SSLException;

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
     * their kind is kept, in words of our own: what an operator must fix (a certificate the service
     * does not trust, or one for another name) is said apart from a connection that failed.
     */
    private static UpstreamException transportFailure(Throwable failure) {
        // An out-of-memory error inside the client arrives as its failure's cause.
        FatalErrors.endProcessIfFatal(failure);
        boolean tls = false;
        boolean untrusted = false;
        boolean otherName = false;
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException) {
                return new UpstreamTransportException("upstream refused the connection");
            }
            tls |= cause instanceof SSLException;
            untrusted |= cause instanceof CertPathBuilderException || cause instanceof CertPathValidatorException;
            // The JDK's host name check says so only in its message: "No subject alternative DNS name matching ...".
            otherName |= cause instanceof CertificateException && String.valueOf(cause.getMessage()).startsWith("No ")
                    && String.valueOf(cause.getMessage()).contains("matching");
        }
        if (otherName) {
            return new UpstreamTransportException("upstream's TLS certificate is for another name than OMNIVIBE_BASE_URL's host");
        }
        if (untrusted) {
            return new UpstreamTransportException("upstream's TLS certificate is not trusted: its issuer is not in the trust store"
                    + " (README, \"Chatwoot behind a private CA\")");
        }
        if (tls) {
            return new UpstreamTransportException("TLS with the upstream failed (no protocol or cipher in common, or not TLS)");
        }
        return new UpstreamTransportException("upstream connection failed or its answer was cut off");
    }
}

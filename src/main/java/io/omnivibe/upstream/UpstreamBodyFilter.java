package io.omnivibe.upstream;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.client.ClientResponseContext;
import jakarta.ws.rs.core.HttpHeaders;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.resteasy.reactive.client.impl.RestClientRequestContext;
import org.jboss.resteasy.reactive.client.spi.ResteasyReactiveClientRequestContext;
import org.jboss.resteasy.reactive.client.spi.ResteasyReactiveClientResponseFilter;

import io.vertx.core.http.HttpClientResponse;

/**
 * Takes every answer's body from the REST client before a byte of it is read, on the event loop
 * the answer arrived on. Quarkus 3.33's client has no bound on a body: it aggregates a {@code byte[]}
 * whole (and a {@code Multi}'s error bodies), and its {@code InputStream} reads block a thread. A
 * 200's body is handed on paused, as a {@link PendingBody}, for {@link UpstreamBodies} to read
 * within its bounds. Any other answer is told by its status and headers alone: a short body that
 * says its length is let through to be dropped as it arrives, so that the connection is kept;
 * any other body is not read at all, and its connection is closed.
 * <p>
 * Runs before the filter that maps error statuses to exceptions (response filters run from the
 * highest priority down), and is harmless when the client runs it again on its error path.
 */
@Priority(Priorities.USER + 1000)
public class UpstreamBodyFilter implements ResteasyReactiveClientResponseFilter {

    /** An error body (a JSON or HTML error page) longer than this is not worth its connection's bandwidth. */
    static final long LONGEST_DROPPED_BODY = 64 * 1024;

    /** A body not read within an attempt's time of its head is abandoned (see {@link PendingBody}). */
    private final long abandonAfterMs = ConfigProvider.getConfig().getValue("lookup.attempt-timeout-ms", Long.class);

    @Override
    public void filter(ResteasyReactiveClientRequestContext request, ClientResponseContext response) {
        HttpClientResponse answer = request.unwrap(RestClientRequestContext.class).getVertxClientResponse();
        if (answer == null || response.getEntityStream() instanceof PendingBody) {
            return;
        }
        long declaredLength = declaredLength(answer.getHeader(HttpHeaders.CONTENT_LENGTH));
        if (response.getStatus() == 200) {
            response.setEntityStream(PendingBody.takeOver(answer, declaredLength, response.getEntityStream(), abandonAfterMs));
        } else if (declaredLength >= 0 && declaredLength <= LONGEST_DROPPED_BODY) {
            answer.handler(null).endHandler(null).exceptionHandler(ignored -> {
                // The connection broke while its error body was dropped: the answer was had already.
            });
            answer.resume();
        } else {
            answer.request().connection().close();
        }
    }

    /** The declared length; -1 when none; a length no bound admits when it is not a number a long holds. */
    static long declaredLength(String contentLength) {
        if (contentLength == null) {
            return -1;
        }
        try {
            long length = Long.parseLong(contentLength.trim());
            return length < 0 ? Long.MAX_VALUE : length;
        } catch (NumberFormatException unreadable) {
            return Long.MAX_VALUE;
        }
    }
}

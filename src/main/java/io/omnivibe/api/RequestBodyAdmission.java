package io.omnivibe.api;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.omnivibe.changes.ChatwootWebhooks;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;

/**
 * Bounds the memory request bodies can take: only webhook deliveries have one, each at most
 * {@code lookup.webhooks.max-body-bytes}, and at most {@link #MAX_IN_FLIGHT} are received at once,
 * whatever their path (a path in another form may still be routed to the endpoint). The bodies are
 * read only after this filter, so a flood of large ones from anyone costs a 503, not the heap. A
 * request with a body has {@link #TIME_TO_ANSWER} to be answered, or it is reset (its stream on
 * HTTP/2, whose other requests go on; its connection on HTTP/1.1): a sender that trickles its body
 * would otherwise hold its place for as long as it likes.
 * <p>
 * What can be told of the sender before its body is read is told first
 * ({@link ChatwootWebhooks#screen}): a sender outside {@code lookup.webhooks.allowed-sources}, or a
 * URL that does not end with the secret, is refused without taking a place. A delivery from a known
 * sender that is refused as one too many, or cut off, may have carried a change: the copies fetched
 * before it fall back to the short window ({@link ChatwootWebhooks#notRead}). From an unknown
 * sender it changes nothing, so that a stranger's flood costs neither upstream calls nor stale answers.
 */
public class RequestBodyAdmission {

    /**
     * Chatwoot sends each delivery from a worker of its own, one at a time per event: 16 at once is
     * a busy account's burst, and 16 MiB at the default bound.
     */
    static final int MAX_IN_FLIGHT = 16;
    /** Twice the time Chatwoot waits for an answer (its WEBHOOK_TIMEOUT, 5 s by default). */
    static final Duration TIME_TO_ANSWER = Duration.ofSeconds(10);
    private static final Duration SHORT_PAUSE = Duration.ofSeconds(1);

    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private final ChatwootWebhooks webhooks;

    RequestBodyAdmission(ChatwootWebhooks webhooks) {
        this.webhooks = webhooks;
    }

    @ServerRequestFilter(preMatching = true)
    public RestResponse<Problem> admit(HttpServerRequest request, RoutingContext context) {
        if (!mayHaveBody(request)) {
            return null;
        }
        SocketAddress peer = request.remoteAddress();
        ChatwootWebhooks.Sender sender = webhooks.screen(peer == null ? null : peer.hostAddress(), request.path());
        switch (sender) {
            case FORBIDDEN -> {
                return ProblemResponses.problem(ProblemType.WEBHOOK_FORBIDDEN,
                        "Deliveries are taken only from lookup.webhooks.allowed-sources.");
            }
            case WRONG_URL_SECRET -> {
                return ProblemResponses.problem(ProblemType.WEBHOOK_UNAUTHORIZED, "The webhook's URL does not end with the secret.");
            }
            case KNOWN, UNKNOWN -> {
                // read below
            }
        }
        if (!inFlight.tryAcquire()) {
            webhooks.notRead(ChatwootWebhooks.Unread.BUSY, sender);
            return ProblemResponses.retryLater(ProblemType.WEBHOOKS_BUSY, "Too many webhook deliveries are being received.",
                    SHORT_PAUSE);
        }
        // Ended once, whichever comes first: the answer, the sender going, or the deadline (whose
        // reset may not reach the end handler).
        AtomicBoolean ended = new AtomicBoolean();
        long[] deadline = new long[1];
        Consumer<Boolean> end = complete -> {
            if (ended.compareAndSet(false, true)) {
                context.vertx().cancelTimer(deadline[0]);
                inFlight.release();
                if (!complete) {
                    webhooks.notRead(ChatwootWebhooks.Unread.INCOMPLETE, sender);
                }
            }
        };
        deadline[0] = context.vertx().setTimer(TIME_TO_ANSWER.toMillis(), late -> {
            end.accept(false);
            if (request.version() == HttpVersion.HTTP_2) {
                // Its stream only: the other requests multiplexed on the connection go on.
                request.response().reset();
            } else {
                request.connection().close();
            }
        });
        context.addEndHandler(answered -> end.accept(answered.succeeded()));
        return null;
    }

    /**
     * A body is announced by its length or its chunks over HTTP/1.1, but an HTTP/2 request may send
     * one with neither: every method but those without a body counts.
     */
    private static boolean mayHaveBody(HttpServerRequest request) {
        HttpMethod method = request.method();
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD) && !method.equals(HttpMethod.OPTIONS)) {
            return true;
        }
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        return length != null ? !length.trim().equals("0") : request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
    }
}

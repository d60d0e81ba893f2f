package io.omnivibe.api;

import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.netty.buffer.Unpooled;
import io.netty.util.AsciiString;
import io.omnivibe.lookup.LookupResult;
import io.omnivibe.lookup.LookupService;
import io.omnivibe.observability.LookupObserver;
import io.omnivibe.observability.LookupOutcome;
import io.omnivibe.observability.LookupReport;
import io.omnivibe.upstream.ConversationKey;
import io.opentelemetry.api.trace.Span;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Answers a lookup from the copy this instance holds, when it is recent enough
 * ({@code lookup.fresh-for-ms}), ahead of {@link LookupResource}: a hit needs none of what a lookup
 * that may call the upstream is built with (its budget, the guard, a {@code Uni}, the REST layer's
 * request context), and polling front ends make most lookups hits. It answers what the resource
 * would, headers, metrics, log line and span included; anything else (no such copy, a path or
 * {@code Accept} header in another form, a body, another method) goes on to the resource, which
 * handles every case.
 */
@ApplicationScoped
class RecentCopyRoute {

    /** Where the tracing instrumentation reads the route template the span is named for. */
    private static final String URL_PATH_TEMPLATE = "UrlPathTemplate";
    private static final CharSequence JSON = AsciiString.cached("application/json");

    private final LookupService service;
    private final LookupObserver observer;

    RecentCopyRoute(LookupService service, LookupObserver observer) {
        this.service = service;
        this.observer = observer;
    }

    void install(@Observes Router router) {
        if (service.answersFromCopies()) {
            router.get("/inboxes/*").order(RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT).handler(this::answer);
        }
    }

    private void answer(RoutingContext context) {
        long started = System.nanoTime();
        HttpServerRequest request = context.request();
        ConversationKey key = plainLookup(request);
        Optional<LookupResult> copy = key == null ? Optional.empty() : service.recentCopy(key);
        if (copy.isEmpty()) {
            context.next();
            return;
        }
        LookupResult recent = copy.get();
        HttpServerResponse response = context.response();
        boolean notModified = IfNoneMatch.matches(request.getHeader(HttpHeaders.IF_NONE_MATCH), recent.etag());
        response.setStatusCode(notModified ? 304 : 200);
        DocumentHeaders.write(recent, response.headers());
        Vertx.currentContext().putLocal(URL_PATH_TEMPLATE, LookupResource.ROUTE);
        // Before the answer is written: writing it ends the request's span.
        observer.lookupEnded(new LookupReport(LookupOutcome.RECENT, response.getStatusCode(), key, 0, false,
                Duration.ofNanos(System.nanoTime() - started)), Span.current());
        if (notModified) {
            response.end();
        } else {
            response.headers().add(HttpHeaders.CONTENT_TYPE, JSON);
            // The copy's own bytes, wrapped: nothing is copied before the socket write.
            response.end(Buffer.buffer(Unpooled.wrappedBuffer(recent.json())));
        }
    }

    /**
     * The lookup a GET names, when its path is plainly one (as sent: no percent-encoding, no dot
     * segments, valid identifiers), it has no body and it accepts JSON as it is; otherwise null.
     */
    private static ConversationKey plainLookup(HttpServerRequest request) {
        String accept = request.getHeader(HttpHeaders.ACCEPT);
        if (accept != null && !accept.equals("*/*") && !accept.equals("application/json")) {
            return null;
        }
        if (request.getHeader(HttpHeaders.CONTENT_LENGTH) != null || request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null) {
            return null;
        }
        String path = request.path();
        if (path.indexOf('%') >= 0) {
            return null;
        }
        String[] segments = path.split("/", -1);
        if (segments.length != 7 || !segments[0].isEmpty() || !segments[1].equals("inboxes") || !segments[3].equals("contacts")
                || !segments[5].equals("conversations")) {
            return null;
        }
        try {
            return LookupRequests.parse(segments[2], segments[4], segments[6]);
        } catch (InvalidLookupRequestException invalid) {
            return null;
        }
    }
}

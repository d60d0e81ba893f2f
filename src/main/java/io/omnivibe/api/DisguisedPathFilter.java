package io.omnivibe.api;

import java.net.URI;
import java.time.Duration;

import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.omnivibe.observability.LookupObserver;
import io.omnivibe.observability.LookupReport;
import io.opentelemetry.api.trace.Span;
import io.vertx.core.http.HttpServerRequest;

/**
 * Checks lookup paths as the caller sent them, before routing. The HTTP layer removes dot
 * segments ({@code ..}, {@code %2E%2E}) when it normalises a path, which would route a bad
 * identifier elsewhere and answer 404 instead of saying what is wrong with it.
 */
public class DisguisedPathFilter {

    private final LookupObserver observer;

    DisguisedPathFilter(LookupObserver observer) {
        this.observer = observer;
    }

    @ServerRequestFilter(preMatching = true)
    public RestResponse<Problem> checkRawLookupPath(HttpServerRequest request) {
        long started = System.nanoTime();
        String[] segments = request.path().split("/", -1);
        boolean lookupShape = segments.length == 7 && segments[0].isEmpty() && segments[1].equals("inboxes")
                && segments[3].equals("contacts") && segments[5].equals("conversations");
        if (!lookupShape) {
            return null;
        }
        try {
            LookupRequests.parse(decode(segments[2]), decode(segments[4]), decode(segments[6]));
            return null;
        } catch (InvalidLookupRequestException invalid) {
            return refuse(invalid.getMessage(), started);
        } catch (IllegalArgumentException badEncoding) {
            return refuse("the path is not validly percent-encoded", started);
        }
    }

    private RestResponse<Problem> refuse(String detail, long startedNanos) {
        observer.lookupEnded(LookupReport.invalidInput(Duration.ofNanos(System.nanoTime() - startedNanos)), Span.current());
        return ProblemResponses.problem(ProblemType.INVALID_REQUEST, detail);
    }

    private static String decode(String rawSegment) {
        return URI.create("/" + rawSegment).getPath().substring(1);
    }
}

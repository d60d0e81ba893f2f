package io.omnivibe.observability;

import jakarta.enterprise.context.ApplicationScoped;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;

/**
 * The HTTP server and REST client instrumentation record the request path, and our paths hold the
 * inbox token and the contact credential. This replaces such paths with their route templates as
 * each span starts, before anything can export it.
 */
@ApplicationScoped
public class IdentifierRedactingSpanProcessor implements SpanProcessor {

    static final String LOOKUP_ROUTE = IdentifierPaths.LOOKUP_ROUTE;
    private static final String UPSTREAM_PREFIX = "/public/api/v1/inboxes/";
    private static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
    private static final AttributeKey<String> URL_FULL = AttributeKey.stringKey("url.full");

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {
        String path = span.getAttribute(URL_PATH);
        if (path != null) {
            span.setAttribute(URL_PATH, IdentifierPaths.forSpan(path));
        }
        String full = span.getAttribute(URL_FULL);
        if (full != null) {
            int upstreamPath = full.indexOf(UPSTREAM_PREFIX);
            if (upstreamPath >= 0) {
                span.setAttribute(URL_FULL, full.substring(0, upstreamPath) + LookupObserver.UPSTREAM_ROUTE);
            }
        }
    }

    @Override
    public boolean isStartRequired() {
        return true;
    }

    @Override
    public void onEnd(ReadableSpan span) {
        // Nothing to do: paths are set when a span starts.
    }

    @Override
    public boolean isEndRequired() {
        return false;
    }
}

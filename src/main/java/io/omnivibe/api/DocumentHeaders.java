package io.omnivibe.api;

import java.time.Duration;
import java.util.Optional;

import io.netty.util.AsciiString;
import io.omnivibe.lookup.LookupResult;
import io.vertx.core.MultiMap;

/**
 * The headers of every answer that carries a document (or its 304), written in one place for the
 * two ways a lookup is answered: {@link RecentCopyRoute} for a recent copy, {@link LookupResource}
 * for the rest. Names and constant values are kept as Netty's cached ASCII strings, written to the
 * socket as they are.
 */
final class DocumentHeaders {

    static final String X_CACHE_NAME = "X-Cache";
    /**
     * A conversation is one contact's data: no shared cache may keep it ({@code private}). The
     * contact's own client may, but must ask again every time ({@code no-cache}): browsers then
     * revalidate with {@code If-None-Match} by themselves, and a poll of an unchanged conversation
     * costs a 304 instead of the whole document. {@code no-store} would keep them from ever asking so.
     */
    static final String CACHE_CONTROL_VALUE = "private, no-cache";

    private static final CharSequence ETAG = AsciiString.cached("ETag");
    private static final CharSequence CACHE_CONTROL = AsciiString.cached("Cache-Control");
    private static final CharSequence PRIVATE_NO_CACHE = AsciiString.cached(CACHE_CONTROL_VALUE);
    private static final CharSequence X_CACHE = AsciiString.cached(X_CACHE_NAME);
    private static final CharSequence HIT = AsciiString.cached("HIT");
    private static final CharSequence STALE = AsciiString.cached("STALE");
    private static final CharSequence AGE = AsciiString.cached("Age");

    private DocumentHeaders() {
    }

    /**
     * ETag, Cache-Control, and for a copy X-Cache (HIT or STALE) and its Age in seconds, added to
     * {@code headers}: the response's own on the hit path, where nothing else is allocated for them.
     */
    static void write(LookupResult result, MultiMap headers) {
        headers.add(ETAG, '"' + result.etag() + '"');
        headers.add(CACHE_CONTROL, PRIVATE_NO_CACHE);
        switch (result.freshness()) {
            case RECENT -> headers.add(X_CACHE, HIT);
            case STALE -> headers.add(X_CACHE, STALE);
            case FRESH -> {
            }
        }
        Optional<Duration> age = result.age();
        if (age.isPresent()) {
            headers.add(AGE, Long.toString(age.get().toSeconds()));
        }
    }
}

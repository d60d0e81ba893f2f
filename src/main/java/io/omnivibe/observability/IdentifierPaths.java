package io.omnivibe.observability;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Request paths as logs and spans may show them. The HTTP layer routes a lookup whatever the form
 * of its path ({@code //inboxes/...}, {@code /./inboxes/...}, {@code /%69nboxes/...}), and some
 * instrumentation reads {@code //inboxes} as a host name; so any path that names inboxes or
 * contacts in any form, routed or not, is shown as the lookup's route template. A webhook's URL may
 * end with its secret ({@code lookup.webhooks.signed=false}): any path naming webhooks, other than
 * the signed endpoint's own, is shown as the secret's route template.
 */
final class IdentifierPaths {

    static final String LOOKUP_ROUTE = "/inboxes/{inbox_identifier}/contacts/{contact_identifier}/conversations/{conversation_id}";

    static final String WEBHOOK_PATH = "/webhooks/chatwoot";
    static final String WEBHOOK_SECRET_ROUTE = WEBHOOK_PATH + "/{secret}";

    /** What a span shows for a path that is neither a lookup, an upstream call, nor one of the service's own. */
    static final String OTHER_PATH = "/{other}";
    private static final String UPSTREAM_PREFIX = "/public/api/v1/inboxes/";

    private IdentifierPaths() {
    }

    static String masked(String path) {
        // Every lookup's own path, and every upstream call's: no decoding needed.
        if (path == null || path.startsWith("/inboxes/")) {
            return LOOKUP_ROUTE;
        }
        if (path.startsWith(UPSTREAM_PREFIX)) {
            return LookupObserver.UPSTREAM_ROUTE;
        }
        if (path.equals(WEBHOOK_PATH)) {
            return path;
        }
        String decoded = decodedLowerCase(path);
        if (decoded == null || decoded.contains("inboxes") || decoded.contains("contacts")) {
            return LOOKUP_ROUTE;
        }
        return decoded.contains("webhooks") ? WEBHOOK_SECRET_ROUTE : path;
    }

    /**
     * A span's path, as the instrumentation parsed it: {@code //inboxes/<token>/x} reads as host
     * {@code inboxes} and path {@code /<token>/x}, which names neither inboxes nor contacts. So
     * besides the masked lookup and upstream paths, a span keeps only the service's own
     * operational paths ({@code /q/...}); any other shows as {@link #OTHER_PATH}.
     */
    static String forSpan(String path) {
        String masked = masked(path);
        if (!masked.equals(path) || path.startsWith("/q/")) {
            return masked;
        }
        return OTHER_PATH;
    }

    /** Null when the path does not decode: then it may hold anything. */
    private static String decodedLowerCase(String path) {
        try {
            return URLDecoder.decode(path, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException notDecodable) {
            return null;
        }
    }
}

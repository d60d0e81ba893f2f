package io.omnivibe.api;

import java.net.URI;

/** The kinds of problem a lookup (or a webhook delivery) can answer with (RFC 9457 {@code type}, {@code title}, {@code status}). */
enum ProblemType {
    INVALID_REQUEST(400, "Invalid lookup request"),
    CONVERSATION_NOT_FOUND(404, "Conversation not found"),
    NOT_FOUND(404, "No such resource"),
    METHOD_NOT_ALLOWED(405, "Method not allowed"),
    NOT_ACCEPTABLE(406, "Not acceptable"),
    WEBHOOK_UNAUTHORIZED(401, "Webhook delivery not proven"),
    WEBHOOK_FORBIDDEN(403, "Webhook sender not allowed"),
    WEBHOOK_MALFORMED(400, "Webhook delivery not an event"),
    WEBHOOK_TOO_LARGE(413, "Webhook delivery too large"),
    BODY_INCOMPLETE(400, "Request body incomplete"),
    WEBHOOKS_BUSY(503, "Too many webhook deliveries in flight"),
    UPSTREAM_ERROR(502, "Upstream error"),
    UPSTREAM_UNREACHABLE(502, "Upstream unreachable"),
    UPSTREAM_MALFORMED_RESPONSE(502, "Malformed upstream response"),
    UPSTREAM_UNEXPECTED_STATUS(502, "Unexpected upstream status"),
    UPSTREAM_BODY_TOO_LARGE(502, "Upstream body too large"),
    CIRCUIT_OPEN(503, "Upstream temporarily avoided"),
    OVERLOADED(503, "Too many lookups in flight"),
    UPSTREAM_RATE_LIMITED(503, "Upstream rate limited"),
    UPSTREAM_CALL_LIMIT(503, "Upstream call limit reached"),
    UPSTREAM_BODY_BUDGET(503, "Too many upstream bytes in flight"),
    UPSTREAM_TIMEOUT(504, "Upstream timeout"),
    INTERNAL_ERROR(500, "Internal error");

    private final int status;
    private final String title;

    ProblemType(int status, String title) {
        this.status = status;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public URI uri() {
        return URI.create("urn:omnivibe-lookup:problem:" + name().toLowerCase().replace('_', '-'));
    }
}

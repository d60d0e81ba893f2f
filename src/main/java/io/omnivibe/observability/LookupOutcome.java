package io.omnivibe.observability;

/** How a lookup ended, as operators count it: one value per answer the caller can get. */
public enum LookupOutcome {
    FRESH(200),
    /** Answered with a copy fetched within lookup.fresh-for-ms, without an upstream call. */
    RECENT(200),
    STALE(200),
    INVALID_REQUEST(400),
    NOT_FOUND(404),
    INTERNAL_ERROR(500),
    BAD_GATEWAY(502),
    /** The upstream's body was longer than lookup.upstream.max-body-bytes, and no last good copy was held. */
    BODY_TOO_LARGE(502),
    UNAVAILABLE(503),
    TIMEOUT(504),
    /** The caller went away before the answer (nginx's 499); an upstream call under way still ends and refreshes the copy. */
    ABANDONED(499);

    private final int status;

    LookupOutcome(int status) {
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** The label value for metrics and logs. */
    public String label() {
        return name().toLowerCase();
    }
}

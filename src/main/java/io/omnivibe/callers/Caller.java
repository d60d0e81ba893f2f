package io.omnivibe.callers;

/**
 * Whom a lookup is for, as far as sharing the upstream's quota goes: an address (an IPv6 one by its
 * /64, what one host is usually given), or the value of the header the operator named. It is
 * compared, never shown: it appears in no log line and no metric label.
 */
public record Caller(String id) {

    /** A lookup whose caller is not known (none of the ways to tell applies): all such share one caller. */
    public static final Caller UNKNOWN = new Caller("");

    @Override
    public String toString() {
        return "Caller[not shown]";
    }
}

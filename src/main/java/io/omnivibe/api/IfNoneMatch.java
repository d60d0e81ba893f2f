package io.omnivibe.api;

/**
 * The {@code If-None-Match} precondition (RFC 9110, section 13.1.2): {@code *} or a list of entity
 * tags, compared weakly, so that {@code W/"x"} matches {@code "x"}.
 */
final class IfNoneMatch {

    private IfNoneMatch() {
    }

    /** Whether {@code header} (null when absent) names the document tagged with the opaque value {@code etag}. */
    static boolean matches(String header, String etag) {
        if (header == null) {
            return false;
        }
        int at = 0;
        int length = header.length();
        while (at < length) {
            char c = header.charAt(at);
            if (c == ' ' || c == '\t' || c == ',') {
                at++;
            } else if (c == '*') {
                return true;
            } else {
                if (header.startsWith("W/", at)) {
                    at += 2;
                }
                if (at >= length || header.charAt(at) != '"') {
                    // Not a list of entity tags: a precondition we cannot read is not met.
                    return false;
                }
                int closing = header.indexOf('"', at + 1);
                if (closing < 0) {
                    return false;
                }
                if (closing - at - 1 == etag.length() && header.startsWith(etag, at + 1)) {
                    return true;
                }
                at = closing + 1;
            }
        }
        return false;
    }
}

package io.omnivibe.callers;

import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.netty.util.NetUtil;
import io.omnivibe.config.AddressRanges;
import io.omnivibe.config.LookupPolicy;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

/**
 * Tells callers apart by what they cannot forge ({@code lookup.callers.*}): by default the
 * connection's peer address (on Lambda, API Gateway's {@code sourceIp}). Behind proxies the operator
 * trusts, the caller is the right-most {@code X-Forwarded-For} address no trusted proxy added, as
 * Chatwoot's own Rack finds a client: the left-most is whatever the client wrote. With a header
 * named (an API key, a tenant set by a gateway), its value is the caller, and the address only
 * for requests without it.
 * <p>
 * Quarkus's own {@code quarkus.http.proxy.*} is not used: it trusts every proxy unless told
 * otherwise and takes the left-most address.
 */
@ApplicationScoped
// Built while the service starts: a trusted proxy that is not an address stops start-up.
@Startup
public class CallerIdentity {

    private static final String FORWARDED_FOR = "X-Forwarded-For";
    /** Hops read at most from X-Forwarded-For: a longer chain than any real one costs no more. */
    static final int MAX_HOPS = 32;
    /** Characters of a header's value kept as the caller: longer values that begin alike are one caller. */
    static final int MAX_HEADER_VALUE_LENGTH = 256;
    /** IPv6 callers by their /64: one host is usually given a whole /64 and can use any address in it. */
    private static final int IPV6_PREFIX_BYTES = 8;
    private static final HexFormat HEX = HexFormat.of();

    private final AddressRanges trustedProxies;
    private final Optional<String> header;

    @Inject
    CallerIdentity(LookupPolicy policy) {
        this(policy.callers().trustedProxies(), policy.callers().header());
    }

    CallerIdentity(Optional<List<String>> trustedProxies, Optional<String> header) {
        this.trustedProxies = new AddressRanges("lookup.callers.trusted-proxies", trustedProxies);
        this.header = header.map(String::strip);
        this.header.ifPresent(CallerIdentity::checkHeaderName);
    }

    private static void checkHeaderName(String name) {
        if (name.isEmpty() || !name.chars().allMatch(CallerIdentity::tokenCharacter)) {
            throw new ConfigurationException("lookup.callers.header (LOOKUP_CALLERS_HEADER) is \"" + name
                    + "\", which is not an HTTP header name");
        }
    }

    private static boolean tokenCharacter(int c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    /** The caller of this request. */
    public Caller of(HttpServerRequest request) {
        SocketAddress peer = request.remoteAddress();
        return of(peer == null ? null : peer.hostAddress(), request.headers().getAll(FORWARDED_FOR),
                header.map(request::getHeader).orElse(null));
    }

    /** The caller of a request from {@code peer} with these X-Forwarded-For headers and this value of the named header. */
    Caller of(String peer, List<String> forwardedFor, String headerValue) {
        if (headerValue != null && !headerValue.isBlank()) {
            return new Caller("h:" + (headerValue.length() > MAX_HEADER_VALUE_LENGTH
                    ? headerValue.substring(0, MAX_HEADER_VALUE_LENGTH)
                    : headerValue));
        }
        byte[] address = peer == null ? null : parse(peer);
        if (address == null) {
            return Caller.UNKNOWN;
        }
        if (trustedProxies.contains(address)) {
            address = forwardedFor(address, forwardedFor);
        }
        return new Caller("a:" + HEX.formatHex(address, 0, address.length == 4 ? 4 : IPV6_PREFIX_BYTES));
    }

    /**
     * Walks X-Forwarded-For from the right, from {@code proxy}, a trusted peer: each address a
     * trusted proxy added is passed, the first one not trusted is the caller. An entry that is not
     * an address ends the walk at the proxy that passed it on; so does the end of the chain.
     */
    private byte[] forwardedFor(byte[] proxy, List<String> headers) {
        byte[] caller = proxy;
        int hops = 0;
        for (int h = headers.size() - 1; h >= 0; h--) {
            String[] entries = headers.get(h).split(",");
            for (int e = entries.length - 1; e >= 0; e--) {
                byte[] hop = parse(withoutPort(entries[e].strip()));
                if (hop == null || ++hops > MAX_HOPS) {
                    return caller;
                }
                caller = hop;
                if (!trustedProxies.contains(hop)) {
                    return caller;
                }
            }
        }
        return caller;
    }

    /** {@code 203.0.113.7:4711} or {@code [2001:db8::1]:4711} as some proxies write them, without the port. */
    private static String withoutPort(String entry) {
        if (entry.startsWith("[")) {
            int end = entry.indexOf(']');
            return end < 0 ? entry : entry.substring(1, end);
        }
        int colon = entry.indexOf(':');
        return colon >= 0 && colon == entry.lastIndexOf(':') ? entry.substring(0, colon) : entry;
    }

    /** An address's bytes, an IPv4-mapped IPv6 address as IPv4; null when it is not an address. */
    private static byte[] parse(String text) {
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(text);
        if (bytes != null && bytes.length == 16 && isIpv4Mapped(bytes)) {
            return new byte[] { bytes[12], bytes[13], bytes[14], bytes[15] };
        }
        return bytes;
    }

    private static boolean isIpv4Mapped(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
    }
}

package io.omnivibe.changes;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * The addresses deliveries may come from ({@code lookup.webhooks.allowed-sources}): Chatwoot's
 * egress addresses or ranges, written as {@code 203.0.113.7} or {@code 203.0.113.0/24} (IPv6
 * too). Unset: any address. Only literal addresses: a name would need a lookup, and its answer
 * could change under the check.
 */
final class DeliverySources {

    private static final String SETTING = "lookup.webhooks.allowed-sources (LOOKUP_WEBHOOKS_ALLOWED_SOURCES)";

    private final List<IpSubnetFilterRule> ranges;

    /** @throws ConfigurationException naming the first entry that is not an address or a range */
    DeliverySources(Optional<List<String>> allowed) {
        List<IpSubnetFilterRule> parsed = new ArrayList<>();
        for (String entry : allowed.orElse(List.of())) {
            parsed.add(range(entry.strip()));
        }
        this.ranges = List.copyOf(parsed);
    }

    private static IpSubnetFilterRule range(String entry) {
        int slash = entry.indexOf('/');
        String address = slash < 0 ? entry : entry.substring(0, slash);
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
        if (bytes == null) {
            throw new ConfigurationException(SETTING + " has \"" + entry + "\", which is not an IP address or range"
                    + " (e.g. 203.0.113.7 or 203.0.113.0/24)");
        }
        int longest = bytes.length * 8;
        int prefix;
        try {
            prefix = slash < 0 ? longest : Integer.parseInt(entry.substring(slash + 1));
        } catch (NumberFormatException notANumber) {
            prefix = -1;
        }
        if (prefix < 0 || prefix > longest) {
            throw new ConfigurationException(SETTING + " has \"" + entry + "\", whose prefix length is not 0 to " + longest);
        }
        try {
            return new IpSubnetFilterRule(InetAddress.getByAddress(bytes), prefix, IpFilterRuleType.ACCEPT);
        } catch (UnknownHostException cannotHappen) {
            throw new IllegalStateException(cannotHappen);
        }
    }

    /** Whether a list is set: without one, no sender is known before its delivery proves itself. */
    boolean restricted() {
        return !ranges.isEmpty();
    }

    /** Whether {@code peer}, an IP address in text, is one deliveries may come from; false for anything else. */
    boolean allows(String peer) {
        byte[] bytes = peer == null ? null : NetUtil.createByteArrayFromIpAddressString(peer);
        if (bytes == null) {
            return false;
        }
        try {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getByAddress(bytes), 0);
            for (IpSubnetFilterRule range : ranges) {
                if (range.matches(address)) {
                    return true;
                }
            }
            return false;
        } catch (UnknownHostException cannotHappen) {
            throw new IllegalStateException(cannotHappen);
        }
    }
}

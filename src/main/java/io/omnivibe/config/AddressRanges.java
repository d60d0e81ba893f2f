package io.omnivibe.config;

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
 * A list of IP addresses and ranges from a setting, written as {@code 203.0.113.7} or
 * {@code 203.0.113.0/24} (IPv6 too): Chatwoot's egress for webhooks, the proxies trusted to say who
 * a caller is. Only literal addresses: a name would need a lookup, and its answer could change
 * under the check.
 */
public final class AddressRanges {

    /** The setting, as start-up names it: {@code lookup.webhooks.allowed-sources (LOOKUP_WEBHOOKS_ALLOWED_SOURCES)}. */
    private final String setting;
    private final List<IpSubnetFilterRule> ranges;

    /** @throws ConfigurationException naming the first entry that is not an address or a range */
    public AddressRanges(String property, Optional<List<String>> entries) {
        this.setting = property + " (" + PolicyRanges.environmentVariable(property) + ")";
        List<IpSubnetFilterRule> parsed = new ArrayList<>();
        for (String entry : entries.orElse(List.of())) {
            parsed.add(range(entry.strip()));
        }
        this.ranges = List.copyOf(parsed);
    }

    private IpSubnetFilterRule range(String entry) {
        int slash = entry.indexOf('/');
        String address = slash < 0 ? entry : entry.substring(0, slash);
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
        if (bytes == null) {
            throw new ConfigurationException(setting + " has \"" + entry + "\", which is not an IP address or range"
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
            throw new ConfigurationException(setting + " has \"" + entry + "\", whose prefix length is not 0 to " + longest);
        }
        try {
            return new IpSubnetFilterRule(InetAddress.getByAddress(bytes), prefix, IpFilterRuleType.ACCEPT);
        } catch (UnknownHostException cannotHappen) {
            throw new IllegalStateException(cannotHappen);
        }
    }

    /** Whether the setting names any address. */
    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** Whether {@code address}, an IP address in text, is in one of the ranges; false for anything else. */
    public boolean contains(String address) {
        return contains(address == null ? null : NetUtil.createByteArrayFromIpAddressString(address));
    }

    /** Whether {@code bytes}, an IPv4 or IPv6 address, is in one of the ranges; false for null. */
    public boolean contains(byte[] bytes) {
        if (bytes == null || ranges.isEmpty()) {
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

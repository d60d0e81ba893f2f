package io.omnivibe.callers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.quarkus.runtime.configuration.ConfigurationException;

/** Who a caller is: what it cannot forge, whatever it writes in its headers. */
class CallerIdentityTest {

    private static final CallerIdentity BY_PEER = new CallerIdentity(Optional.empty(), Optional.empty());
    private static final CallerIdentity BEHIND_PROXIES = new CallerIdentity(Optional.of(List.of("10.0.0.0/8", "192.0.2.1")),
            Optional.empty());

    @Test
    void withoutTrustedProxiesForwardedForChangesNothing() {
        Caller plain = BY_PEER.of("203.0.113.7", List.of(), null);

        assertThat(BY_PEER.of("203.0.113.7", List.of("198.51.100.1"), null)).isEqualTo(plain);
        assertThat(BY_PEER.of("203.0.113.7", List.of("198.51.100.2, 198.51.100.3"), null)).isEqualTo(plain);
        assertThat(BY_PEER.of("203.0.113.8", List.of(), null)).isNotEqualTo(plain);
    }

    @Test
    void behindTrustedProxiesTheCallerIsTheRightMostAddressNoneOfThemAdded() {
        Caller client = BY_PEER.of("198.51.100.7", List.of(), null);

        assertThat(BEHIND_PROXIES.of("10.1.2.3", List.of("198.51.100.7"), null)).isEqualTo(client);
        assertThat(BEHIND_PROXIES.of("10.1.2.3", List.of("6.6.6.6, 198.51.100.7, 10.9.9.9"), null))
                .as("the left-most is what the client wrote").isEqualTo(client);
        assertThat(BEHIND_PROXIES.of("10.1.2.3", List.of("6.6.6.6", "198.51.100.7:4711, 192.0.2.1"), null))
                .as("several headers, a port").isEqualTo(client);
    }

    @Test
    void aForwardedForFromAnUntrustedPeerIsIgnoredEvenBehindProxies() {
        assertThat(BEHIND_PROXIES.of("198.51.100.9", List.of("198.51.100.7"), null))
                .isEqualTo(BY_PEER.of("198.51.100.9", List.of(), null));
    }

    @Test
    void anEntryThatIsNotAnAddressEndsTheWalkAtTheProxyThatPassedItOn() {
        assertThat(BEHIND_PROXIES.of("10.1.2.3", List.of("unknown, 10.4.5.6"), null))
                .isEqualTo(BY_PEER.of("10.4.5.6", List.of(), null));
    }

    @Test
    void ipv6CallersAreTheirSlash64AndMappedIpv4IsIpv4() {
        assertThat(BY_PEER.of("2001:db8:1:2::1", List.of(), null)).isEqualTo(BY_PEER.of("2001:db8:1:2:ffff::9", List.of(), null));
        assertThat(BY_PEER.of("2001:db8:1:2::1", List.of(), null)).isNotEqualTo(BY_PEER.of("2001:db8:1:3::1", List.of(), null));
        assertThat(BY_PEER.of("::ffff:203.0.113.7", List.of(), null)).isEqualTo(BY_PEER.of("203.0.113.7", List.of(), null));
    }

    @Test
    void aNamedHeaderIsTheCallerAndTheAddressOnlyWithoutIt() {
        CallerIdentity byKey = new CallerIdentity(Optional.empty(), Optional.of("X-Api-Key"));

        assertThat(byKey.of("203.0.113.7", List.of(), "key-1")).isEqualTo(byKey.of("203.0.113.8", List.of(), "key-1"));
        assertThat(byKey.of("203.0.113.7", List.of(), "key-1")).isNotEqualTo(byKey.of("203.0.113.7", List.of(), "key-2"));
        assertThat(byKey.of("203.0.113.7", List.of(), null)).isEqualTo(BY_PEER.of("203.0.113.7", List.of(), null));
        assertThat(byKey.of("203.0.113.7", List.of(), "x".repeat(10_000)).id()).hasSizeLessThan(300);
    }

    @Test
    void aCallerIsNeverShown() {
        assertThat(BY_PEER.of("203.0.113.7", List.of(), null).toString()).doesNotContain("203").doesNotContain("cb00");
    }

    @Test
    void settingsThatCannotWorkStopStartUpNamingThem() {
        assertThatThrownBy(() -> new CallerIdentity(Optional.of(List.of("proxy.example")), Optional.empty()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("lookup.callers.trusted-proxies (LOOKUP_CALLERS_TRUSTED_PROXIES)");
        assertThatThrownBy(() -> new CallerIdentity(Optional.empty(), Optional.of("X Api Key")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("lookup.callers.header (LOOKUP_CALLERS_HEADER)");
    }
}

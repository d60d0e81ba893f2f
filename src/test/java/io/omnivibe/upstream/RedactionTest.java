package io.omnivibe.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

class RedactionTest {

    @Test
    void givesTheSameShortFingerprintForTheSameSecretOnAnyThread() throws Exception {
        String here = Redaction.fingerprint("maria.silva+vip@example.com");
        String elsewhere = CompletableFuture.supplyAsync(() -> Redaction.fingerprint("maria.silva+vip@example.com")).get();

        assertThat(here).matches("#[0-9a-f]{8}").isEqualTo(elsewhere).doesNotContain("maria");
        assertThat(Redaction.fingerprint("joao@example.com")).isNotEqualTo(here);
    }

    @Test
    void identifiersRememberedInTheSameSlotKeepTheirOwnFingerprints() {
        // "Aa" and "BB" have the same hash code: they take turns in one slot.
        String first = Redaction.fingerprint("Aa");
        String second = Redaction.fingerprint("BB");
        assertThat(second).isNotEqualTo(first);
        assertThat(Redaction.fingerprint("Aa")).isEqualTo(first);
        assertThat(Redaction.fingerprint("Aa")).isEqualTo(first);
        assertThat(Redaction.fingerprint("BB")).isEqualTo(second);
    }
}

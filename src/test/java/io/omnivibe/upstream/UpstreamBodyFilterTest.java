package io.omnivibe.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A declared length is read as the upstream wrote it; one no long holds, or not a number, is over any bound. */
class UpstreamBodyFilterTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "none", value = {
            "none | -1",
            "0 | 0",
            "15000 | 15000",
            "' 42 ' | 42",
            "314572800 | 314572800",
            "3000000000 | 3000000000",
            "99999999999999999999 | 9223372036854775807",
            "-5 | 9223372036854775807",
            "lots | 9223372036854775807" })
    void readsTheDeclaredLength(String header, long length) {
        assertThat(UpstreamBodyFilter.declaredLength(header)).isEqualTo(length);
    }
}

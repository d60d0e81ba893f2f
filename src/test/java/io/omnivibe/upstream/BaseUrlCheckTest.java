package io.omnivibe.upstream;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.runtime.configuration.ConfigurationException;

class BaseUrlCheckTest {

    private final BaseUrlCheck check = new BaseUrlCheck();

    private void startWith(String baseUrl) {
        check.onStart(null, () -> Optional.ofNullable(baseUrl));
    }

    @ParameterizedTest
    @ValueSource(strings = { "http://localhost:3000", "https://app.example.com", "https://chat.example.com/omnivibe" })
    void startsWithAnHttpBaseUrl(String baseUrl) {
        assertThatCode(() -> startWith(baseUrl)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "   " })
    void refusesToStartWithoutABaseUrl(String baseUrl) {
        assertThatThrownBy(() -> startWith(baseUrl)).isInstanceOf(ConfigurationException.class)
                .hasMessage("OMNIVIBE_BASE_URL is not set: " + BaseUrlCheck.HOW_TO_FIX);
        assertThatThrownBy(() -> startWith(null)).isInstanceOf(ConfigurationException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = { "ftp://files.example.com", "app.example.com", "http://", "not a url", "file:///etc/passwd" })
    void refusesToStartWithABaseUrlThatIsNotHttp(String baseUrl) {
        assertThatThrownBy(() -> startWith(baseUrl)).isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("OMNIVIBE_BASE_URL is not an http(s) URL: set OMNIVIBE_BASE_URL");
    }
}

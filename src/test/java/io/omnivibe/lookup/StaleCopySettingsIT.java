package io.omnivibe.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.omnivibe.testing.Bodies;
import io.omnivibe.testing.PackagedService;

/**
 * The settings that change the shape of the stale store's cache (a byte bound named or left to
 * the heap, any age, few or many entries) each give a service that keeps and serves last good
 * copies. On the JVM every shape works; a native executable holds only the cache classes
 * registered for it, so this is the test it fails when a shape is missing.
 */
class StaleCopySettingsIT {

    private static final byte[] CONVERSATION = Bodies.resource("example.json");
    private static final String LOOKUP = "/inboxes/shape-inbox/contacts/shape-contact/conversations/";

    private WireMockServer upstream;

    @BeforeEach
    void healthyUpstream() {
        upstream = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        upstream.start();
        upstream.stubFor(get(urlPathMatching("/public/api/v1/inboxes/.*")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(CONVERSATION)));
    }

    @AfterEach
    void stopUpstream() {
        upstream.stop();
    }

    @ParameterizedTest(name = "max-bytes [{0}], max-entries [{1}], max-age-ms [{2}]")
    @CsvSource({
            ",,",
            "2000000, 5, 60000",
            ", 1, 3600000",
            "30000000,, 30000" })
    void servesTheLastGoodCopyWhenTheUpstreamFails(String maxBytes, String maxEntries, String maxAgeMs) throws Exception {
        Map<String, String> environment = new HashMap<>(Map.of("OMNIVIBE_BASE_URL", upstream.baseUrl()));
        putIfNamed(environment, "LOOKUP_STALE_MAX_BYTES", maxBytes);
        putIfNamed(environment, "LOOKUP_STALE_MAX_ENTRIES", maxEntries);
        putIfNamed(environment, "LOOKUP_STALE_MAX_AGE_MS", maxAgeMs);
        try (PackagedService service = PackagedService.start(List.of(), environment)) {
            HttpResponse<byte[]> fresh = service.get(LOOKUP + 1);
            assertThat(fresh.statusCode()).isEqualTo(200);
            assertThat(fresh.headers().firstValue("X-Cache")).isEmpty();

            upstream.stubFor(get(anyUrl()).atPriority(1).willReturn(aResponse().withStatus(500)));
            HttpResponse<byte[]> stale = service.get(LOOKUP + 1);

            assertThat(stale.statusCode()).isEqualTo(200);
            assertThat(stale.headers().firstValue("X-Cache")).hasValue("STALE");
            assertThat(stale.body()).isEqualTo(CONVERSATION);
            assertThat(service.get(LOOKUP + 2).statusCode()).as("a conversation never fetched").isEqualTo(502);
        }
    }

    private static void putIfNamed(Map<String, String> environment, String name, String value) {
        if (value != null) {
            environment.put(name, value);
        }
    }
}

package io.omnivibe.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.omnivibe.testing.Bodies;
import io.omnivibe.testing.OmnivibeStub;
import io.omnivibe.testing.PackagedService;
import io.omnivibe.testing.TestConversation;

/**
 * An upstream over HTTPS with a certificate of a private CA (here self-signed, for
 * {@code localhost} only), as a self-hosted Chatwoot often has: the packaged service (JVM or
 * native) verifies it, answers 200 once the trust store names it, and otherwise 502 with a log
 * line that says what is wrong: a certificate it does not trust, or one for another name.
 */
class UpstreamTlsIT {

    private static final String PASSWORD = "changeit";

    @TempDir
    static Path keys;
    private static WireMockServer upstream;
    private static Path trustStore;
    private static Path pem;
    private static final TestConversation CONVERSATION = TestConversation.fresh();

    @BeforeAll
    static void startAnHttpsUpstream() throws Exception {
        Path keyStore = keys.resolve("upstream.p12");
        Path certificate = keys.resolve("upstream.crt");
        trustStore = keys.resolve("trust.p12");
        pem = keys.resolve("ca.pem");
        keytool("-genkeypair", "-alias", "upstream", "-keyalg", "EC", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost",
                "-validity", "2", "-keystore", keyStore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
        keytool("-exportcert", "-alias", "upstream", "-keystore", keyStore.toString(), "-storepass", PASSWORD,
                "-file", certificate.toString());
        keytool("-exportcert", "-rfc", "-alias", "upstream", "-keystore", keyStore.toString(), "-storepass", PASSWORD,
                "-file", pem.toString());
        keytool("-importcert", "-noprompt", "-alias", "upstream", "-file", certificate.toString(),
                "-keystore", trustStore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
        upstream = new WireMockServer(options().bindAddress("127.0.0.1").httpDisabled(true).dynamicHttpsPort()
                .keystorePath(keyStore.toString()).keystoreType("PKCS12").keystorePassword(PASSWORD).keyManagerPassword(PASSWORD));
        upstream.start();
        upstream.stubFor(OmnivibeStub.answering(CONVERSATION, Bodies.resource("example.json")));
    }

    @AfterAll
    static void stopUpstream() {
        upstream.stop();
    }

    @Test
    void aCertificateTheTrustStoreNamesIsTrusted() throws Exception {
        try (PackagedService service = startWith("https://localhost:" + upstream.httpsPort(), true)) {
            assertThat(service.get(CONVERSATION.lookupPath()).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aPemCertificateNamedThroughTheTlsRegistryIsTrusted() throws Exception {
        Map<String, String> environment = Map.of("OMNIVIBE_BASE_URL", "https://localhost:" + upstream.httpsPort(),
                "QUARKUS_TLS_CHATWOOT_TRUST_STORE_PEM_CERTS", pem.toString(),
                "QUARKUS_REST_CLIENT_OMNIVIBE_TLS_CONFIGURATION_NAME", "chatwoot");
        try (PackagedService service = PackagedService.start(List.of(), environment)) {
            assertThat(service.get(CONVERSATION.lookupPath()).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aCertificateOfAnIssuerNotTrustedIsA502ThatSaysSo() throws Exception {
        try (PackagedService service = startWith("https://localhost:" + upstream.httpsPort(), false)) {
            HttpResponse<byte[]> answer = service.get(CONVERSATION.lookupPath());
            assertThat(answer.statusCode()).isEqualTo(502);
            assertThat(new String(answer.body(), StandardCharsets.UTF_8)).contains("upstream-unreachable");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(service.console())
                    .contains("upstream's TLS certificate is not trusted"));
        }
    }

    @Test
    void aCertificateForAnotherNameIsA502ThatSaysSo() throws Exception {
        try (PackagedService service = startWith("https://127.0.0.1:" + upstream.httpsPort(), true)) {
            assertThat(service.get(CONVERSATION.lookupPath()).statusCode()).isEqualTo(502);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(service.console())
                    .contains("upstream's TLS certificate is for another name"));
        }
    }

    private static PackagedService startWith(String baseUrl, boolean trusted) throws IOException {
        Map<String, String> environment = new HashMap<>(Map.of("OMNIVIBE_BASE_URL", baseUrl));
        if (trusted) {
            environment.put("QUARKUS_REST_CLIENT_OMNIVIBE_TRUST_STORE", trustStore.toString());
            environment.put("QUARKUS_REST_CLIENT_OMNIVIBE_TRUST_STORE_PASSWORD", PASSWORD);
            environment.put("QUARKUS_REST_CLIENT_OMNIVIBE_TRUST_STORE_TYPE", "PKCS12");
        }
        return PackagedService.start(List.of(), environment);
    }

    private static void keytool(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("keytool ends").isTrue();
        assertThat(process.exitValue()).as("keytool: %s", output).isZero();
    }
}

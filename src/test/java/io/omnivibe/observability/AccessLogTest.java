package io.omnivibe.observability;

import static org.assertj.core.api.Assertions.assertThat;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.omnivibe.testing.CapturedLog;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;

/** The optional access log writes lookup paths as their route template, whatever form the caller gave them. */
@QuarkusTest
@TestProfile(AccessLogTest.AccessLogOn.class)
class AccessLogTest {

    public static class AccessLogOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("access-log.enabled", "true");
        }
    }

    private static final String INBOX = "Pq7PzR2mKw9TnB4vLc8YdH3z";
    private static final String CONTACT = "joao.pereira@example.com";

    /** The access line is written once the answer has gone, so a client can read the answer before the line exists. */
    private static String textOnceLogged(CapturedLog log, int count) {
        await().atMost(Duration.ofSeconds(10)).until(() -> accessLines(log.text()).size() >= count);
        return log.text();
    }

    private static List<String> accessLines(String logged) {
        return logged.lines().filter(line -> line.startsWith("io.omnivibe.access")).toList();
    }

    @Test
    void logsEachRequestWithTheLookupPathMasked() {
        String logged;
        try (CapturedLog log = CapturedLog.attach()) {
            given().when().get("/inboxes/" + INBOX + "/contacts/" + CONTACT + "/conversations/0").then().statusCode(400);
            given().when().get("/q/openapi").then().statusCode(200);
            logged = textOnceLogged(log, 2);
        }

        assertThat(logged)
                .contains("\"GET " + IdentifierRedactingSpanProcessor.LOOKUP_ROUTE + "\" 400 ")
                .contains("\"GET /q/openapi\" 200 ")
                .doesNotContain(INBOX).doesNotContain(CONTACT);
    }

    /** Paths the HTTP layer normalises before routing them as lookups, or answers 404 for. */
    @Test
    void masksLookupPathsInEveryFormTheyArrive() throws Exception {
        String lookup = "inboxes/" + INBOX + "/contacts/" + CONTACT + "/conversations/0";
        List<String> forms = List.of("//" + lookup, "/./" + lookup, "/%69nboxes/" + INBOX + "/contacts/" + CONTACT + "/conversations/0",
                "/elsewhere/" + lookup);
        HttpClient client = HttpClient.newHttpClient();
        String logged;
        try (CapturedLog log = CapturedLog.attach()) {
            for (String form : forms) {
                HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + form)).build();
                assertThat(client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode()).isIn(400, 404);
            }
            logged = textOnceLogged(log, forms.size());
        }

        // This test's own HTTP client logs what it sends, at DEBUG: the service's lines are its own categories'.
        List<String> serviceLines = logged.lines().filter(line -> line.startsWith("io.omnivibe")).toList();
        assertThat(accessLines(logged)).hasSize(forms.size())
                .allSatisfy(line -> assertThat(line).contains(IdentifierRedactingSpanProcessor.LOOKUP_ROUTE));
        assertThat(String.join("\n", serviceLines)).doesNotContain(INBOX).doesNotContain(CONTACT);
    }

    /** A webhook URL may end with its secret: the log shows the route, whatever the form. */
    @Test
    void masksAWebhookUrlsSecret() throws Exception {
        String secret = "4f9c2b7e1a8d3f6c0b5e9a2d7c4f1b8e3a6d9c2f";
        HttpClient client = HttpClient.newHttpClient();
        String logged;
        try (CapturedLog log = CapturedLog.attach()) {
            for (String form : List.of("/webhooks/chatwoot/" + secret, "//webhooks/chatwoot/" + secret, "/%77ebhooks/chatwoot/" + secret,
                    "/webhooks/chatwoot")) {
                HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + form))
                        .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
                assertThat(client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(404);
            }
            logged = textOnceLogged(log, 4);
        }

        List<String> accessLines = accessLines(logged);
        assertThat(accessLines).hasSize(4);
        assertThat(accessLines).filteredOn(line -> line.contains("\"POST /webhooks/chatwoot/{secret}\" 404 ")).hasSize(3);
        assertThat(String.join("\n", accessLines)).doesNotContain(secret);
    }
}

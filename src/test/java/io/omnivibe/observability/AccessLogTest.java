package io.omnivibe.observability;

import static org.assertj.core.api.Assertions.assertThat;

import static io.restassured.RestAssured.given;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.omnivibe.testing.CapturedLog;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** The optional access log writes lookup paths as their route template. */
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

    @Test
    void logsEachRequestWithTheLookupPathMasked() {
        String logged;
        try (CapturedLog log = CapturedLog.attach()) {
            given().when().get("/inboxes/" + INBOX + "/contacts/" + CONTACT + "/conversations/0").then().statusCode(400);
            given().when().get("/q/openapi").then().statusCode(200);
            logged = log.text();
        }

        assertThat(logged)
                .contains("\"GET " + IdentifierRedactingSpanProcessor.LOOKUP_ROUTE + "\" 400 ")
                .contains("\"GET /q/openapi\" 200 ")
                .doesNotContain(INBOX).doesNotContain(CONTACT);
    }
}

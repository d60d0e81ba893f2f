package io.omnivibe.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.omnivibe.testing.PackagedService;
import io.omnivibe.testing.TestConversation;

/**
 * The key of the log's fingerprints is drawn when the process starts, not when it was built: two
 * processes of the same package (JVM or native executable) give one contact different
 * fingerprints, so a fingerprint cannot be matched against guessed identifiers with a key taken
 * from the image.
 */
class RedactionIT {

    private static final Pattern CONTACT_FINGERPRINT = Pattern.compile("contact (#[0-9a-f]{8})");

    @Test
    void eachProcessFingerprintsTheSameContactDifferently() throws Exception {
        TestConversation conversation = TestConversation.fresh();
        List<String> fingerprints = new ArrayList<>();
        for (int process = 0; process < 2; process++) {
            // Nothing listens on port 1: the lookup fails at once and its log line names the contact.
            try (PackagedService service = PackagedService.start(List.of(), Map.of("OMNIVIBE_BASE_URL", "http://127.0.0.1:1"))) {
                assertThat(service.get(conversation.lookupPath()).statusCode()).isEqualTo(502);
                // Log lines reach the console within a tenth of a second (observability.BatchedLogWrites).
                await().atMost(Duration.ofSeconds(10)).until(() -> CONTACT_FINGERPRINT.matcher(service.console()).find());
                String console = service.console();
                assertThat(console).doesNotContain(conversation.contactIdentifier());
                Matcher fingerprint = CONTACT_FINGERPRINT.matcher(console);
                assertThat(fingerprint.find()).as("a log line names the contact: %s", console).isTrue();
                fingerprints.add(fingerprint.group(1));
            }
        }

        assertThat(fingerprints.get(0)).isNotEqualTo(fingerprints.get(1));
    }
}

package io.omnivibe.changes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.omnivibe.testing.ChatwootConversation;
import io.omnivibe.testing.ChatwootDeliveries;
import io.omnivibe.testing.InjectOmnivibeStub;
import io.omnivibe.testing.Metrics;
import io.omnivibe.testing.OmnivibeStub;
import io.omnivibe.testing.TricklingSender;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * With {@code lookup.webhooks.allowed-sources} naming this machine, a sender is known before its
 * body: a delivery of its that is cut off may have been a change, so the copies fetched before it
 * are read again (here the short window is 0).
 */
@QuarkusTest
@WithTestResource(OmnivibeStub.class)
@TestProfile(WebhookSendersTest.LoopbackAllowed.class)
class WebhookSendersTest {

    public static class LoopbackAllowed implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lookup.webhooks.secret", WebhooksTest.SECRET, "lookup.fresh-for-ms", "3600000",
                    "lookup.webhooks.fallback-fresh-for-ms", "0",
                    "lookup.webhooks.allowed-sources", "127.0.0.0/8, ::1");
        }
    }

    @InjectOmnivibeStub
    WireMockServer upstream;

    @Test
    void aDeliveryFromAnAllowedSourceIsTakenAndOneCutOffLeavesEarlierCopiesToBeReadAgain() throws Exception {
        ChatwootConversation conversation = ChatwootConversation.fresh();
        upstream.stubFor(OmnivibeStub.answering(conversation.address(), conversation.document("hello")));
        WebhooksTest.lookUp(conversation).then().statusCode(200);
        WebhooksTest.lookUp(conversation).then().statusCode(200).header("X-Cache", "HIT");
        WebhooksTest.deliver("{\"event\":\"inbox_updated\",\"id\":1}").then().statusCode(200).body("outcome", equalTo("ignored"));
        double incomplete = Metrics.value("omnivibe_webhooks_deliveries_total", "result=incomplete");

        sendPartOfADeliveryAndHangUp();

        await().atMost(Duration.ofSeconds(10))
                .until(() -> Metrics.value("omnivibe_webhooks_deliveries_total", "result=incomplete") > incomplete);
        WebhooksTest.lookUp(conversation).then().statusCode(200).header("X-Cache", (String) null);
        WebhooksTest.lookUp(conversation).then().statusCode(200).header("X-Cache", "HIT");
        assertThat(upstream.countRequestsMatching(getRequestedFor(urlPathEqualTo(conversation.address().upstreamPath())).build())
                .getCount()).isEqualTo(2);
    }

    /** Part of a body, then nothing: the service resets it after its 10 s, when it has surely been admitted. */
    private static void sendPartOfADeliveryAndHangUp() throws IOException {
        try (TricklingSender sender = TricklingSender.start(ChatwootDeliveries.PATH)) {
            sender.readToTheEnd();
        }
    }
}

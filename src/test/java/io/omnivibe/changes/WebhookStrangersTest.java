package io.omnivibe.changes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import java.util.ArrayList;
import java.util.List;
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
 * With {@code lookup.webhooks.allowed-sources} naming only Chatwoot's addresses, a request with a
 * body from anywhere else is refused before its body is read: even signed, even trickled, and
 * however many, it takes none of the places deliveries need and changes no copy.
 */
@QuarkusTest
@WithTestResource(OmnivibeStub.class)
@TestProfile(WebhookStrangersTest.ChatwootElsewhere.class)
class WebhookStrangersTest {

    public static class ChatwootElsewhere implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lookup.webhooks.secret", WebhooksTest.SECRET, "lookup.fresh-for-ms", "3600000",
                    "lookup.webhooks.fallback-fresh-for-ms", "0",
                    "lookup.webhooks.allowed-sources", "192.0.2.0/24,2001:db8::/32");
        }
    }

    @InjectOmnivibeStub
    WireMockServer upstream;

    @Test
    void aSenderOutsideTheAllowedSourcesIsRefusedBeforeItsBodyAndChangesNothing() throws Exception {
        ChatwootConversation conversation = ChatwootConversation.fresh();
        upstream.stubFor(OmnivibeStub.answering(conversation.address(), conversation.document("hello")));
        WebhooksTest.lookUp(conversation).then().statusCode(200);
        double forbidden = Metrics.value("omnivibe_webhooks_deliveries_total", "result=forbidden");

        WebhooksTest.deliver(conversation.messageCreated("signed, from elsewhere")).then().statusCode(403)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:omnivibe-lookup:problem:webhook-forbidden"));
        // More than the places for bodies, each answered before it sends its body.
        List<TricklingSender> strangers = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                TricklingSender stranger = TricklingSender.start(ChatwootDeliveries.PATH);
                strangers.add(stranger);
                assertThat(stranger.statusLine()).contains("403");
            }
        } finally {
            for (TricklingSender stranger : strangers) {
                stranger.close();
            }
        }

        WebhooksTest.lookUp(conversation).then().statusCode(200).header("X-Cache", "HIT");
        assertThat(upstream.countRequestsMatching(getRequestedFor(urlPathEqualTo(conversation.address().upstreamPath())).build())
                .getCount()).isOne();
        assertThat(Metrics.value("omnivibe_webhooks_deliveries_total", "result=forbidden")).isEqualTo(forbidden + 21);
    }
}

package io.omnivibe.changes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import static io.restassured.RestAssured.given;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.omnivibe.testing.ChatwootConversation;
import io.omnivibe.testing.ChatwootDeliveries;
import io.omnivibe.testing.InjectOmnivibeStub;
import io.omnivibe.testing.OmnivibeStub;
import io.omnivibe.testing.TricklingSender;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * For Chatwoot releases that do not sign: the webhook's URL ends with the secret. A delivery to any
 * other URL changes nothing; one seen before (by its delivery id) changes nothing more.
 */
@QuarkusTest
@WithTestResource(OmnivibeStub.class)
@TestProfile(WebhookUrlSecretTest.UrlSecret.class)
public class WebhookUrlSecretTest {

    static final String SECRET = "4f9c2b7e1a8d3f6c0b5e9a2d7c4f1b8e3a6d9c2f";

    public static class UrlSecret implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lookup.webhooks.secret", SECRET, "lookup.webhooks.signed", "false", "lookup.fresh-for-ms", "600000");
        }
    }

    @InjectOmnivibeStub
    WireMockServer upstream;

    @Test
    void aWrongSecretIsRefusedBeforeTheBodySoStrangersTakeNoPlaceADeliveryNeeds() throws Exception {
        ChatwootConversation conversation = ChatwootConversation.fresh();
        upstream.stubFor(OmnivibeStub.answering(conversation.address(), conversation.document("hello")));
        given().when().get(conversation.address().lookupPath()).then().statusCode(200);

        // More than the places for bodies, each answered before it sends its body.
        List<TricklingSender> strangers = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                TricklingSender stranger = TricklingSender.start(ChatwootDeliveries.PATH + "/" + SECRET.replace('4', '5'));
                strangers.add(stranger);
                assertThat(stranger.statusLine()).contains("401");
            }
            given().contentType("application/json").body(conversation.messageCreated("meanwhile"))
                    .when().post(ChatwootDeliveries.PATH + "/" + SECRET).then().statusCode(200).body("outcome", equalTo("applied"));
        } finally {
            for (TricklingSender stranger : strangers) {
                stranger.close();
            }
        }
        given().when().get(conversation.address().lookupPath()).then().statusCode(200).header("X-Cache", (String) null);
    }

    @Test
    void aDeliveryToTheSecretUrlMakesTheCopyStaleAndOneToAnyOtherIsRefused() {
        ChatwootConversation conversation = ChatwootConversation.fresh();
        upstream.stubFor(OmnivibeStub.answering(conversation.address(), conversation.document("hello")));
        given().when().get(conversation.address().lookupPath()).then().statusCode(200);
        String event = conversation.messageCreated("a new message");

        given().contentType("application/json").body(event).when().post(ChatwootDeliveries.PATH + "/" + SECRET.replace('4', '5'))
                .then().statusCode(401).contentType("application/problem+json");
        given().contentType("application/json").body(event).when().post(ChatwootDeliveries.PATH).then().statusCode(404);
        given().when().get(conversation.address().lookupPath()).then().statusCode(200).header("X-Cache", "HIT");

        String delivery = UUID.randomUUID().toString();
        given().contentType("application/json").header("X-Chatwoot-Delivery", delivery).body(event)
                .when().post(ChatwootDeliveries.PATH + "/" + SECRET).then().statusCode(200).body("outcome", equalTo("applied"));
        given().when().get(conversation.address().lookupPath()).then().statusCode(200).header("X-Cache", (String) null);
        given().contentType("application/json").header("X-Chatwoot-Delivery", delivery).body(event)
                .when().post(ChatwootDeliveries.PATH + "/" + SECRET).then().statusCode(200).body("outcome", equalTo("duplicate"));
        given().when().get(conversation.address().lookupPath()).then().statusCode(200).header("X-Cache", "HIT");

        assertThat(upstream.countRequestsMatching(getRequestedFor(urlPathEqualTo(conversation.address().upstreamPath())).build())
                .getCount()).isEqualTo(2);
    }
}

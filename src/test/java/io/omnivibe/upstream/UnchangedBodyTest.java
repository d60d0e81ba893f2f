package io.omnivibe.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.omnivibe.testing.Bodies;
import io.omnivibe.testing.InjectOmnivibeStub;
import io.omnivibe.testing.OmnivibeStub;
import io.omnivibe.testing.TestConversation;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A body the upstream sends again unchanged, compared with the last good one as it arrives: the
 * document is that last good array itself, neither copied nor checked again; a body that differs,
 * even in its last byte or its length, is read and checked as any other.
 */
@QuarkusTest
@WithTestResource(OmnivibeStub.class)
class UnchangedBodyTest {

    private static final Duration GENEROUS = Duration.ofSeconds(10);

    @InjectOmnivibeStub
    WireMockServer upstream;

    @Inject
    OmnivibeConversations conversations;

    @Test
    void theLastGoodBodyAgainIsTheLastGoodArray() {
        byte[] body = Bodies.largeConversation(40_000);
        byte[] lastGood = body.clone();

        ConversationDocument document = fetch(answering(body), lastGood);

        assertThat(document.unchanged()).isTrue();
        assertThat(document.json()).isSameAs(lastGood);
    }

    @Test
    void theLastGoodBodyAgainIsNotCheckedAgain() {
        // Not JSON: only a body that skipped the check can come back as a document.
        byte[] notJson = "accepted before".getBytes(StandardCharsets.UTF_8);

        assertThat(fetch(answering(notJson), notJson.clone()).unchanged()).isTrue();
    }

    @Test
    void aBodyThatDiffersInItsLastByteOrItsLengthIsReadAndChecked() {
        byte[] body = Bodies.largeConversation(40_000);
        byte[] lastByteDiffers = body.clone();
        lastByteDiffers[lastByteDiffers.length - 1] = ' ';

        ConversationDocument document = fetch(answering(body), lastByteDiffers);
        assertThat(document.unchanged()).isFalse();
        assertThat(document.json()).isEqualTo(body);

        byte[] shorter = Arrays.copyOf(body, body.length - 1);
        assertThat(fetch(answering(body), shorter).unchanged()).isFalse();
        assertThatThrownBy(() -> fetch(answering(shorter), body)).isInstanceOf(UpstreamTransportException.class);
    }

    private TestConversation answering(byte[] body) {
        TestConversation conversation = TestConversation.fresh();
        upstream.stubFor(get(urlPathEqualTo(conversation.upstreamPath())).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(body)));
        return conversation;
    }

    private ConversationDocument fetch(TestConversation conversation, byte[] lastGood) {
        ConversationKey key = new ConversationKey(conversation.inboxIdentifier(), conversation.contactIdentifier(),
                conversation.conversationId());
        return conversations.fetch(key, lastGood).await().atMost(GENEROUS);
    }
}

package io.omnivibe.lookup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.omnivibe.resilience.LookupProgress;
import io.omnivibe.resilience.LookupTimeoutException;
import io.omnivibe.testing.Bodies;
import io.omnivibe.testing.InjectOmnivibeStub;
import io.omnivibe.testing.OmnivibeStub;
import io.omnivibe.testing.TestConversation;
import io.omnivibe.upstream.ConversationKey;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A lookup whose budget is spent before its upstream call starts (a slow Redis read for the fleet's
 * copy can take it all) times out like any other: no call, and nothing left behind for the next
 * lookup of the conversation to join.
 */
@QuarkusTest
@WithTestResource(OmnivibeStub.class)
class SpentBudgetTest {

    private static final byte[] CONVERSATION = Bodies.resource("example.json");
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    @Inject
    LookupService lookups;

    @InjectOmnivibeStub
    WireMockServer upstream;

    @Test
    void aLookupWithNoBudgetLeftTimesOutWithoutACallAndTheNextOneCallsAfresh() {
        upstream.resetAll();
        TestConversation conversation = TestConversation.fresh();
        upstream.stubFor(OmnivibeStub.answering(conversation, CONVERSATION));
        ConversationKey key = new ConversationKey(conversation.inboxIdentifier(), conversation.contactIdentifier(),
                conversation.conversationId());

        assertThatThrownBy(() -> lookups.lookup(key, new LookupProgress(Duration.ZERO)).await().atMost(PATIENCE))
                .isInstanceOf(LookupTimeoutException.class);
        assertThat(upstreamCalls()).isZero();

        LookupResult next = lookups.lookup(key, new LookupProgress(Duration.ofSeconds(5))).await().atMost(PATIENCE);
        assertThat(next.json()).isEqualTo(CONVERSATION);
        assertThat(upstreamCalls()).isEqualTo(1);
    }

    private long upstreamCalls() {
        return upstream.countRequestsMatching(anyRequestedFor(anyUrl()).build()).getCount();
    }
}

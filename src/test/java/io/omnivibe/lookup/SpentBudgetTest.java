package io.omnivibe.lookup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.omnivibe.callers.Caller;
import io.omnivibe.resilience.LookupProgress;
import io.omnivibe.resilience.LookupTimeoutException;
import io.omnivibe.testing.Bodies;
import io.omnivibe.testing.InjectOmnivibeStub;
import io.omnivibe.testing.OmnivibeStub;
import io.omnivibe.testing.TestConversation;
import io.omnivibe.upstream.ConversationKey;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;

/**
 * A lookup whose budget is spent before its upstream call starts (a slow Redis read for the fleet's
 * copy can take it all), or all but less than the millisecond an event loop's timer needs, times
 * out like any other: no call, and nothing left behind for the next lookup of the conversation to join.
 */
@QuarkusTest
@WithTestResource(OmnivibeStub.class)
class SpentBudgetTest {

    private static final byte[] CONVERSATION = Bodies.resource("example.json");
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    @Inject
    LookupService lookups;

    @Inject
    Vertx vertx;

    @InjectOmnivibeStub
    WireMockServer upstream;

    @Test
    void aLookupWithNoBudgetLeftTimesOutWithoutACallAndTheNextOneCallsAfresh() {
        upstream.resetAll();
        TestConversation conversation = TestConversation.fresh();
        upstream.stubFor(OmnivibeStub.answering(conversation, CONVERSATION));
        ConversationKey key = new ConversationKey(conversation.inboxIdentifier(), conversation.contactIdentifier(),
                conversation.conversationId());

        assertThatThrownBy(() -> lookups.lookup(key, new LookupProgress(Duration.ZERO, Caller.UNKNOWN)).await().atMost(PATIENCE))
                .isInstanceOf(LookupTimeoutException.class);
        assertThat(upstreamCalls()).isZero();

        LookupResult next = lookups.lookup(key, new LookupProgress(Duration.ofSeconds(5), Caller.UNKNOWN)).await().atMost(PATIENCE);
        assertThat(next.json()).isEqualTo(CONVERSATION);
        assertThat(upstreamCalls()).isEqualTo(1);
    }

    @Test
    void aLookupWithLessThanAMillisecondLeftOnAnEventLoopTimesOutAndTheNextOneCallsAfresh() {
        upstream.resetAll();
        TestConversation conversation = TestConversation.fresh();
        upstream.stubFor(OmnivibeStub.answering(conversation, CONVERSATION));
        ConversationKey key = new ConversationKey(conversation.inboxIdentifier(), conversation.contactIdentifier(),
                conversation.conversationId());

        CompletableFuture<LookupResult> almostSpent = new CompletableFuture<>();
        vertx.getOrCreateContext().runOnContext(onAnEventLoop -> lookups.lookup(key, new LookupProgress(Duration.ofNanos(900_000), Caller.UNKNOWN))
                .subscribe().with(almostSpent::complete, almostSpent::completeExceptionally));
        assertThat(almostSpent).failsWithin(PATIENCE).withThrowableThat().havingCause().isInstanceOf(LookupTimeoutException.class);

        LookupResult next = lookups.lookup(key, new LookupProgress(Duration.ofSeconds(5), Caller.UNKNOWN)).await().atMost(PATIENCE);
        assertThat(next.json()).isEqualTo(CONVERSATION);
    }

    private long upstreamCalls() {
        return upstream.countRequestsMatching(anyRequestedFor(anyUrl()).build()).getCount();
    }
}

package io.omnivibe.lookup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.omnivibe.resilience.LookupTimeoutException;
import io.omnivibe.upstream.ConversationKey;
import io.smallrye.mutiny.Uni;

/**
 * A shared call always ends, at most a second after its budget, and leaves the table, whatever happens inside it, so
 * that a conversation can never be stuck behind a call that never ends.
 */
class CallsInFlightTest {

    private static final ConversationKey KEY = new ConversationKey("inbox", "contact", 7);
    private static final Duration BUDGET = Duration.ofMillis(300);
    private static final Duration GENEROUS = Duration.ofSeconds(10);
    private static final LookupResult ANSWER = LookupResult.fresh(new byte[] { '{', '}' });

    /** When the test last said a change was heard. */
    private final AtomicLong changeHeardAt = new AtomicLong(System.nanoTime() - Duration.ofHours(1).toNanos());
    private final CallsInFlight calls = new CallsInFlight(since -> changeHeardAt.get() - since >= 0, new SimpleMeterRegistry());
    private final AtomicInteger callsMade = new AtomicInteger();

    private Uni<LookupResult> lookUp(Supplier<Uni<LookupResult>> call) {
        return calls.join(KEY, () -> {
            callsMade.incrementAndGet();
            return call.get();
        }, BUDGET, () -> {
        });
    }

    private void nextLookupMakesANewCallAndIsAnswered() {
        int before = callsMade.get();
        assertThat(lookUp(() -> Uni.createFrom().item(ANSWER)).await().atMost(GENEROUS)).isSameAs(ANSWER);
        assertThat(callsMade.get()).isEqualTo(before + 1);
    }

    @Test
    void aCallThatNeverAnswersEndsAfterItsBudget() {
        Uni<LookupResult> first = lookUp(() -> Uni.createFrom().nothing());
        Uni<LookupResult> joiner = lookUp(() -> Uni.createFrom().item(ANSWER));

        assertThatThrownBy(() -> first.await().atMost(GENEROUS)).isInstanceOf(LookupTimeoutException.class);
        assertThatThrownBy(() -> joiner.await().atMost(GENEROUS)).isInstanceOf(LookupTimeoutException.class);
        assertThat(callsMade).hasValue(1);
        nextLookupMakesANewCallAndIsAnswered();
    }

    @Test
    void aCallWhoseStartThrowsAnErrorEnds() {
        assertThatThrownBy(() -> lookUp(() -> {
            throw new LinkageError("broken class");
        }).await().atMost(GENEROUS)).hasRootCauseInstanceOf(LinkageError.class);

        nextLookupMakesANewCallAndIsAnswered();
    }

    @Test
    void aCallThatFailsWithAnErrorOnTheWayEnds() {
        Uni<LookupResult> failing = lookUp(() -> Uni.createFrom().item(ANSWER).map(answer -> {
            throw new AssertionError("a bug");
        }));

        assertThatThrownBy(() -> failing.await().atMost(GENEROUS)).hasRootCauseInstanceOf(AssertionError.class);
        nextLookupMakesANewCallAndIsAnswered();
    }

    @Test
    void identicalLookupsInFlightShareOneCall() {
        Uni<LookupResult> first = lookUp(() -> Uni.createFrom().item(ANSWER).onItem().delayIt().by(Duration.ofMillis(100)));
        Uni<LookupResult> second = lookUp(() -> Uni.createFrom().item(ANSWER));

        assertThat(first.await().atMost(GENEROUS)).isSameAs(ANSWER);
        assertThat(second.await().atMost(GENEROUS)).isSameAs(ANSWER);
        assertThat(callsMade).hasValue(1);
    }

    @Test
    void aLookupAfterAChangeMakesACallOfItsOwnWhichTheNextOnesJoin() {
        LookupResult before = LookupResult.fresh(new byte[] { '{', '1', '}' });
        LookupResult after = LookupResult.fresh(new byte[] { '{', '2', '}' });
        Uni<LookupResult> first = lookUp(() -> Uni.createFrom().item(before).onItem().delayIt().by(Duration.ofMillis(500)));
        first.subscribe().with(answer -> {
        });

        changeHeardAt.set(System.nanoTime());
        Uni<LookupResult> second = lookUp(() -> Uni.createFrom().item(after).onItem().delayIt().by(Duration.ofMillis(200)));
        Uni<LookupResult> third = lookUp(() -> Uni.createFrom().item(ANSWER));

        assertThat(second.await().atMost(GENEROUS)).isSameAs(after);
        assertThat(third.await().atMost(GENEROUS)).isSameAs(after);
        assertThat(first.await().atMost(GENEROUS)).isSameAs(before);
        assertThat(callsMade).hasValue(2);
        nextLookupMakesANewCallAndIsAnswered();
    }
}

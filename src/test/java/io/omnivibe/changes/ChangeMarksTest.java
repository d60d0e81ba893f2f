package io.omnivibe.changes;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.omnivibe.upstream.ConversationKey;
import io.omnivibe.upstream.DocumentIds;

/** When a copy counts as current: its window, the changes heard since its fetch began, and what this instance can vouch for. */
class ChangeMarksTest {

    private static final Duration HOUR = Duration.ofHours(1);
    private static final Duration SHORT = Duration.ofSeconds(5);
    private static final ConversationKey KEY = new ConversationKey("inbox", "contact-1", 42);
    private static final DocumentIds IDS = new DocumentIds(7, 42, 55);

    private final ChangeMarks marks = new ChangeMarks(true, HOUR, HOUR, SHORT, new SimpleMeterRegistry());

    @Test
    void withoutWebhooksTheWindowAloneDecides() {
        ChangeMarks withoutWebhooks = new ChangeMarks(false, SHORT, SHORT, SHORT, new SimpleMeterRegistry());

        assertThat(withoutWebhooks.isCurrent(KEY, DocumentIds.NONE, Duration.ofSeconds(4))).isTrue();
        assertThat(withoutWebhooks.isCurrent(KEY, DocumentIds.NONE, SHORT)).isFalse();
    }

    @Test
    void aCopyFetchedWhileListeningIsCurrentForTheLongWindow() {
        marks.vouchFrom(System.nanoTime() - HOUR.toNanos(), () -> true);

        assertThat(marks.isCurrent(KEY, IDS, Duration.ofMinutes(59))).isTrue();
        assertThat(marks.isCurrent(KEY, IDS, HOUR)).isFalse();
    }

    @Test
    void eachMarkNamesTheCopiesFetchedBeforeIt() {
        marks.vouchFrom(System.nanoTime() - HOUR.toNanos(), () -> true);
        for (ChangeMark mark : List.of(new ChangeMark.Conversation(7, 42), new ChangeMark.ContactIdentifier("contact-1"),
                new ChangeMark.Contact(55))) {
            ChangeMarks fresh = new ChangeMarks(true, HOUR, HOUR, SHORT, new SimpleMeterRegistry());
            fresh.vouchFrom(System.nanoTime() - HOUR.toNanos(), () -> true);
            fresh.mark(List.of(mark));

            assertThat(fresh.isCurrent(KEY, IDS, Duration.ofMillis(1))).as("%s, even within the short window", mark).isFalse();
            assertThat(fresh.isCurrent(KEY, IDS, Duration.ZERO.minusMillis(100))).as("%s: fetched after it", mark).isTrue();
        }
        marks.mark(List.of(new ChangeMark.Conversation(7, 43), new ChangeMark.ContactIdentifier("contact-2"), new ChangeMark.Contact(56)));
        assertThat(marks.isCurrent(KEY, IDS, Duration.ofMinutes(1))).as("other conversations' changes").isTrue();
    }

    @Test
    void whileNotListeningOnlyTheShortWindowCounts() {
        marks.vouchFrom(System.nanoTime() - HOUR.toNanos(), () -> true);
        marks.stopVouching();

        assertThat(marks.isCurrent(KEY, IDS, Duration.ofSeconds(4))).isTrue();
        assertThat(marks.isCurrent(KEY, IDS, Duration.ofSeconds(6))).isFalse();

        marks.vouchFrom(System.nanoTime() - Duration.ofSeconds(10).toNanos(), () -> true);
        assertThat(marks.isCurrent(KEY, IDS, Duration.ofSeconds(9))).as("fetched since it listens again").isTrue();
        assertThat(marks.isCurrent(KEY, IDS, Duration.ofSeconds(11))).as("fetched before").isFalse();
    }

    @Test
    void aDocumentThatDoesNotSayWhichConversationItIsGetsTheShortWindow() {
        marks.vouchFrom(System.nanoTime() - HOUR.toNanos(), () -> true);

        assertThat(marks.isCurrent(KEY, DocumentIds.NONE, Duration.ofSeconds(4))).isTrue();
        assertThat(marks.isCurrent(KEY, DocumentIds.NONE, Duration.ofSeconds(6))).isFalse();
    }

    @Test
    void aRemembered404IsCurrentUntilAConversationAppearsForItsContactIdentifier() {
        marks.vouchFrom(System.nanoTime() - HOUR.toNanos(), () -> true);

        assertThat(marks.isAbsenceCurrent(KEY, Duration.ofMinutes(59))).as("vouched for: the long window").isTrue();
        assertThat(marks.isAbsenceCurrent(KEY, HOUR)).isFalse();

        marks.mark(List.of(new ChangeMark.Conversation(7, 42), new ChangeMark.Contact(55)));
        assertThat(marks.isAbsenceCurrent(KEY, Duration.ofMinutes(1))).as("ids a 404 does not carry").isTrue();

        marks.mark(List.of(new ChangeMark.ContactIdentifier("contact-1")));
        assertThat(marks.isAbsenceCurrent(KEY, Duration.ofMillis(1))).as("a conversation created for its contact identifier").isFalse();
        assertThat(marks.isAbsenceCurrent(KEY, Duration.ZERO.minusMillis(100))).as("read after it").isTrue();
    }

    @Test
    void a404IsKeptAtLeastItsOwnWindowEvenWithCopiesOff() {
        ChangeMarks copiesOff = new ChangeMarks(true, Duration.ZERO, SHORT, SHORT, new SimpleMeterRegistry());
        copiesOff.vouchFrom(System.nanoTime() - HOUR.toNanos(), () -> true);

        assertThat(copiesOff.isAbsenceCurrent(KEY, Duration.ofSeconds(4))).isTrue();
        assertThat(copiesOff.isAbsenceCurrent(KEY, SHORT)).isFalse();
        copiesOff.mark(List.of(new ChangeMark.ContactIdentifier("contact-1")));
        assertThat(copiesOff.isAbsenceCurrent(KEY, Duration.ofMillis(1))).as("its change is remembered as long as the 404").isFalse();
    }

    @Test
    void changesPushedOutByNewerOnesLeaveNoGapInWhatIsVouchedFor() {
        marks.vouchFrom(System.nanoTime() - HOUR.toNanos(), () -> true);
        List<ChangeMark> many = new ArrayList<>();
        for (int i = 0; i < ChangeMarks.MAX_BYTES / ChangeMark.weight(new ChangeMark.Contact(0)) + 1000; i++) {
            many.add(new ChangeMark.Contact(1_000_000 + i));
        }
        marks.mark(many);

        assertThat(marks.size()).isLessThan(many.size());
        assertThat(marks.isCurrent(KEY, IDS, Duration.ofMinutes(1))).as("fetched before a change that was pushed out").isFalse();
        assertThat(marks.isCurrent(KEY, IDS, Duration.ofSeconds(1))).as("within the short window").isTrue();
    }

    @Test
    void anInstanceThatDoesNotHearTheFleetNowVouchesForNothingEvenBeforeItsTimerSaysSo() {
        marks.vouchFrom(System.nanoTime() - HOUR.toNanos(), () -> false);

        assertThat(marks.isCurrent(KEY, IDS, Duration.ofMinutes(1))).isFalse();
        assertThat(marks.isCurrent(KEY, IDS, Duration.ofSeconds(1))).as("within the short window").isTrue();
    }

    @Test
    void aDeliveryThatCouldNotBeReadLeavesCopiesFetchedBeforeItOnTheShortWindow() {
        marks.vouchFrom(System.nanoTime() - HOUR.toNanos(), () -> true);
        marks.missedBefore(System.nanoTime() - Duration.ofSeconds(30).toNanos());

        assertThat(marks.isCurrent(KEY, IDS, Duration.ofMinutes(1))).as("fetched before it").isFalse();
        assertThat(marks.isCurrent(KEY, IDS, Duration.ofSeconds(20))).as("fetched after it").isTrue();
    }

    @Test
    void theOldestChangesArePushedOutFirst() {
        ChangeMarks small = new ChangeMarks(true, HOUR, HOUR, SHORT, new SimpleMeterRegistry());
        small.vouchFrom(System.nanoTime() - HOUR.toNanos(), () -> true);
        ChangeMark first = new ChangeMark.Contact(1);
        small.mark(List.of(first));
        List<ChangeMark> later = new ArrayList<>();
        for (int i = 0; i < ChangeMarks.MAX_BYTES / ChangeMark.weight(first); i++) {
            later.add(new ChangeMark.Contact(1_000 + i));
        }
        small.mark(later);

        assertThat(small.size()).as("the first, and only it, pushed out").isEqualTo(later.size());
        assertThat(small.isCurrent(KEY, new DocumentIds(7, 42, 1_000), Duration.ofSeconds(1)))
                .as("a change heard after the first stays").isFalse();
    }
}

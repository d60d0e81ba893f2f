package io.omnivibe.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.omnivibe.upstream.ConversationKey;
import io.omnivibe.upstream.DocumentIds;

class StaleStoreTest {

    private final AtomicLong nanos = new AtomicLong();
    private final StaleStore store = new StaleStore(1_000_000, 3, Duration.ofMinutes(10), nanos::get);

    private static ConversationKey key(long id) {
        return new ConversationKey("inbox", "contact", id);
    }

    private static byte[] body(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void recallsTheLastGoodCopyWithItsAge() {
        store.remember(key(1), LookupResult.fresh(body("{\"id\":1}")), DocumentIds.NONE, Duration.ZERO);
        nanos.addAndGet(Duration.ofSeconds(42).toNanos());

        StaleCopy copy = store.recall(key(1)).orElseThrow();

        assertThat(copy.json()).isEqualTo(body("{\"id\":1}"));
        assertThat(copy.etag()).isEqualTo(LookupResult.fresh(body("{\"id\":1}")).etag());
        assertThat(copy.age()).isEqualTo(Duration.ofSeconds(42));
        assertThat(store.recall(key(2))).isEmpty();
    }

    @Test
    void keepsOnlyTheNewestCopyOfAConversation() {
        store.remember(key(1), LookupResult.fresh(body("old")), DocumentIds.NONE, Duration.ZERO);
        store.remember(key(1), LookupResult.fresh(body("new")), DocumentIds.NONE, Duration.ZERO);

        assertThat(store.recall(key(1)).orElseThrow().json()).isEqualTo(body("new"));
    }

    @Test
    void a404TakesTheCopysPlaceAndIsNeverServedAsOne() {
        store.remember(key(1), LookupResult.fresh(body("{}")), DocumentIds.NONE, Duration.ZERO);
        store.rememberAbsence(key(1), Duration.ofSeconds(1));
        nanos.addAndGet(Duration.ofSeconds(2).toNanos());

        assertThat(store.recall(key(1))).as("no copy to fall back on").isEmpty();
        assertThat(store.recallAbsence(key(1))).contains(Duration.ofSeconds(3));
        assertThat(store.adopt(key(1), new StaleCopy(body("{}"), "tag", DocumentIds.NONE, Duration.ofSeconds(4))))
                .as("the fleet's older copy").isEmpty();
        assertThat(store.adopt(key(1), new StaleCopy(body("{}"), "tag", DocumentIds.NONE, Duration.ofSeconds(1))))
                .as("the fleet's newer copy").isPresent();
        assertThat(store.recallAbsence(key(1))).isEmpty();
    }

    @Test
    void absencesCountAgainstTheEntriesBound() {
        for (long id = 1; id <= 5; id++) {
            store.rememberAbsence(key(id), Duration.ZERO);
        }
        store.cleanUp();

        assertThat(store.size()).isEqualTo(3);
    }

    @Test
    void forgetsCopiesOlderThanTheMaximumAge() {
        store.remember(key(1), LookupResult.fresh(body("{}")), DocumentIds.NONE, Duration.ZERO);
        nanos.addAndGet(Duration.ofMinutes(10).plusSeconds(1).toNanos());

        assertThat(store.recall(key(1))).isEmpty();
    }

    @Test
    void aCopyFetchedByAnotherInstanceIsForgottenWhenItsFetchIsTheMaximumAgeOld() {
        store.adopt(key(1), new StaleCopy(body("{}"), "tag", DocumentIds.NONE, Duration.ofMinutes(9)));
        nanos.addAndGet(Duration.ofSeconds(59).toNanos());
        assertThat(store.recall(key(1)).orElseThrow().age()).isEqualTo(Duration.ofMinutes(9).plusSeconds(59));

        nanos.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThat(store.recall(key(1))).isEmpty();

        // Written by an instance whose copies live longer: neither kept nor served.
        assertThat(store.adopt(key(2), new StaleCopy(body("{}"), "tag", DocumentIds.NONE, Duration.ofMinutes(11)))).isEmpty();
        assertThat(store.recall(key(2))).isEmpty();
        store.remember(key(2), LookupResult.fresh(body("fetched here")), DocumentIds.NONE, Duration.ZERO);
        assertThat(store.adopt(key(2), new StaleCopy(body("{}"), "tag", DocumentIds.NONE, Duration.ofMinutes(11))).orElseThrow().json())
                .isEqualTo(body("fetched here"));
    }

    @Test
    void keepsACopyFetchedHereOverAnOlderOneFromTheFleet() {
        store.remember(key(1), LookupResult.fresh(body("fetched here")), DocumentIds.NONE, Duration.ZERO);
        nanos.addAndGet(Duration.ofSeconds(1).toNanos());

        StaleCopy served = store.adopt(key(1), new StaleCopy(body("the fleet's"), "tag", DocumentIds.NONE, Duration.ofSeconds(5))).orElseThrow();
        assertThat(served.json()).isEqualTo(body("fetched here"));
        assertThat(served.age()).isEqualTo(Duration.ofSeconds(1));
        assertThat(store.recall(key(1)).orElseThrow().json()).isEqualTo(body("fetched here"));

        served = store.adopt(key(1), new StaleCopy(body("the fleet's, newer"), "tag", DocumentIds.NONE, Duration.ZERO)).orElseThrow();
        assertThat(served.json()).isEqualTo(body("the fleet's, newer"));
        assertThat(store.recall(key(1)).orElseThrow().json()).isEqualTo(body("the fleet's, newer"));
    }

    @Test
    void servesACopyFetchedHereOverAnOlderOneFromTheFleetTooLargeToKeep() {
        StaleStore store = new StaleStore(160_000, 10, Duration.ofMinutes(10), nanos::get);
        store.remember(key(1), LookupResult.fresh(body("fetched here")), DocumentIds.NONE, Duration.ZERO);
        byte[] large = new byte[11_000];

        assertThat(store.adopt(key(1), new StaleCopy(large, "tag", DocumentIds.NONE, Duration.ofSeconds(5))).orElseThrow().json())
                .isEqualTo(body("fetched here"));
        assertThat(store.adopt(key(2), new StaleCopy(large, "tag", DocumentIds.NONE, Duration.ofSeconds(5))).orElseThrow().json()).isSameAs(large);
    }

    @Test
    void holdsNoMoreThanTheMaximumNumberOfCopies() {
        for (long id = 1; id <= 100; id++) {
            store.remember(key(id), LookupResult.fresh(body("{}")), DocumentIds.NONE, Duration.ZERO);
        }
        store.cleanUp();

        assertThat(store.size()).isLessThanOrEqualTo(3);
    }

    @Test
    void holdsNoMoreThanTheMaximumNumberOfBytes() {
        StaleStore small = new StaleStore(100_000, 10_000, Duration.ofMinutes(10), nanos::get);
        for (long id = 1; id <= 100; id++) {
            small.remember(key(id), LookupResult.fresh(new byte[5_000]), DocumentIds.NONE, Duration.ZERO);
        }
        small.cleanUp();

        assertThat(small.weight()).isLessThanOrEqualTo(100_000);
        assertThat(small.size()).isBetween(1L, 20L);
    }

    @Test
    void countsEveryCopyAtLeastItsShareOfTheBound() {
        StaleStore store = new StaleStore(100_000, 10, Duration.ofMinutes(10), nanos::get);
        store.remember(key(1), LookupResult.fresh(body("{}")), DocumentIds.NONE, Duration.ZERO);
        store.cleanUp();

        assertThat(store.weight()).isEqualTo(10_000);
    }

    @Test
    void keepsNoDocumentLargerThanItsShareOfTheBound() {
        StaleStore store = new StaleStore(160_000, 10, Duration.ofMinutes(10), nanos::get);
        store.remember(key(1), LookupResult.fresh(new byte[9_000]), DocumentIds.NONE, Duration.ZERO);
        store.remember(key(2), LookupResult.fresh(new byte[11_000]), DocumentIds.NONE, Duration.ZERO);

        assertThat(store.recall(key(1))).isPresent();
        assertThat(store.recall(key(2))).isEmpty();
    }

    @Test
    void forgetsTheOlderCopyWhenTheNewerIsTooLargeToKeep() {
        StaleStore store = new StaleStore(160_000, 10, Duration.ofMinutes(10), nanos::get);
        store.remember(key(1), LookupResult.fresh(body("{\"version\":1}")), DocumentIds.NONE, Duration.ZERO);
        store.remember(key(1), LookupResult.fresh(new byte[11_000]), DocumentIds.NONE, Duration.ZERO);

        assertThat(store.recall(key(1))).isEmpty();
    }

    @Test
    void tellsConversationsOfDifferentContactsApart() {
        store.remember(new ConversationKey("inbox", "alice", 1), LookupResult.fresh(body("alice's")), DocumentIds.NONE, Duration.ZERO);

        assertThat(store.recall(new ConversationKey("inbox", "bob", 1))).isEmpty();
    }
}

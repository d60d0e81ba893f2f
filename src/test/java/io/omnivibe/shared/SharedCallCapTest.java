package io.omnivibe.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.omnivibe.shared.SharedCallCap.Answer;
import io.omnivibe.shared.SharedCallCap.Granted;
import io.omnivibe.shared.SharedCallCap.Refused;
import io.omnivibe.testing.EmbeddedRedis;
import io.omnivibe.testing.InjectSharedRedis;
import io.omnivibe.testing.OmnivibeStub;
import io.omnivibe.testing.SharedRedis;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The fleet's count in a real Redis, as the scripts keep it: leases granted up to the cap and no
 * further, a refusal that says when room comes back, a lease counted past its last possible use,
 * and unused permits given back.
 */
@QuarkusTest
@WithTestResource(OmnivibeStub.class)
@WithTestResource(SharedRedis.class)
@TestProfile(SharedStoreTest.FreshForAMinute.class)
class SharedCallCapTest {

    private static final Duration REDIS_ANSWERS_WITHIN = Duration.ofSeconds(10);

    @Inject
    SharedCallCap cap;

    @InjectSharedRedis
    EmbeddedRedis redis;

    @BeforeEach
    void emptyCount() {
        redis.flush();
    }

    @Test
    void leasesAreGrantedUpToTheCapAndNoFurther() {
        assertThat(lease(10, 4)).isEqualTo(4);
        assertThat(lease(10, 4)).isEqualTo(4);
        assertThat(lease(10, 4)).as("what is left of the cap").isEqualTo(2);

        Answer refused = cap.lease(10, 1).await().atMost(REDIS_ANSWERS_WITHIN);
        assertThat(refused).isInstanceOf(Refused.class);
        // Room comes back when the oldest counted bucket leaves the count: 60 to 70 s from now.
        assertThat(((Refused) refused).retryAfter()).isBetween(Duration.ofSeconds(60), Duration.ofSeconds(70));
    }

    @Test
    void aLeaseIsCountedPastItsLastPossibleUse() {
        long grantedAround = redis.timeMillis();
        Granted lease = (Granted) cap.lease(100, 3).await().atMost(REDIS_ANSWERS_WITHIN);

        // Counted in the 5 s bucket holding its grant plus 2 s: the second in which its permits may
        // be handed out, and one more for a permit's way to its call.
        long countedFrom = lease.bucket() * 5_000;
        assertThat(countedFrom + 5_000).isGreaterThan(grantedAround + 2_000);
        assertThat(countedFrom).isLessThanOrEqualTo(grantedAround + 2_000 + REDIS_ANSWERS_WITHIN.toMillis());
        assertThat(redis.hash(countKey())).containsExactly(Map.entry(String.valueOf(lease.bucket()), "3"));
    }

    @Test
    void permitsGivenBackMakeRoomAgain() {
        Granted lease = (Granted) cap.lease(5, 5).await().atMost(REDIS_ANSWERS_WITHIN);
        assertThat(cap.lease(5, 1).await().atMost(REDIS_ANSWERS_WITHIN)).isInstanceOf(Refused.class);

        cap.giveBack(lease, 3);
        await().atMost(REDIS_ANSWERS_WITHIN).until(() -> redis.hash(countKey()).get(String.valueOf(lease.bucket())).equals("2"));
        assertThat(lease(5, 5)).isEqualTo(3);

        // More than the bucket holds: the count never goes below zero.
        cap.giveBack(lease, 10);
        await().atMost(REDIS_ANSWERS_WITHIN).until(() -> redis.hash(countKey()).get(String.valueOf(lease.bucket())).equals("0"));
    }

    private int lease(int callsPerMinute, int wanted) {
        Answer answer = cap.lease(callsPerMinute, wanted).await().atMost(REDIS_ANSWERS_WITHIN);
        assertThat(answer).isInstanceOf(Granted.class);
        return ((Granted) answer).permits();
    }

    private static String countKey() {
        return "omnivibe-lookup:cap:calls";
    }
}

package io.omnivibe.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.omnivibe.callers.Caller;

/** Max-min fairness over the cap's pace: nobody within an even share is refused because of another. */
class CallerSharesTest {

    private static final Caller GREEDY = new Caller("a:greedy");
    private static final Caller POLITE = new Caller("a:polite");

    @Test
    void theWaterLevelGivesSmallDemandsAllTheyAskAndSplitsTheRestEvenly() {
        assertThat(CallerShares.waterLevel(new double[] { 40, 100_000 }, 2, 90)).isEqualTo(50);
        assertThat(CallerShares.waterLevel(new double[] { 100_000, 100_000, 100_000 }, 3, 90)).isEqualTo(30);
        assertThat(CallerShares.waterLevel(new double[] { 10, 20, 30 }, 3, 90)).isInfinite();
        assertThat(CallerShares.waterLevel(new double[] { 10, 200, 300 }, 3, 90)).isEqualTo(40);
    }

    @Test
    void aCallerAloneMayUseTheWholePaceButNotTheMinuteAtOnce() {
        CallerShares shares = new CallerShares(600);

        int made = 0;
        Optional<ShareSpentException> refusal = Optional.empty();
        while (refusal.isEmpty() && made < 1000) {
            refusal = shares.admit(GREEDY);
            made += refusal.isEmpty() ? 1 : 0;
        }

        // 600 a minute, counted over 10 s windows of which nine slots' worth is the pace: 90.
        assertThat(made).isEqualTo(90);
        assertThat(refusal.orElseThrow().getRetryAfterMillis()).isBetween(1L, 10_000L);
    }

    @Test
    void aSmallCapIsSharedOverALongerWindowSoThatACallerAloneStillGetsItsCalls() {
        CallerShares shares = new CallerShares(3);
        int made = 0;
        while (made < 10 && shares.admit(GREEDY).isEmpty()) {
            made++;
        }

        // A minute's window for a cap of 3, of which nine slots' worth is 2.7: three calls.
        assertThat(made).isEqualTo(3);
    }

    /** The greedy caller asks until the share, worked out again within 100 ms, holds it. */
    private static void greedyUntilRefused(CallerShares shares) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (shares.admit(GREEDY).isEmpty()) {
            assertThat(System.nanoTime()).as("refused within 10 s").isLessThan(deadline);
        }
    }

    @Test
    void whileAnotherAsksAGreedyCallerIsHeldToWhatThePoliteOneLeaves() {
        CallerShares shares = new CallerShares(600);
        // Both ask; the share is worked out from what each asked for (at most every 100 ms).
        assertThat(shares.admit(POLITE)).isEmpty();
        greedyUntilRefused(shares);

        for (int call = 0; call < 40; call++) {
            assertThat(shares.admit(POLITE)).as("call %d", call).isEmpty();
        }
        ShareSpentException refused = shares.admit(GREEDY).orElseThrow();
        assertThat(refused.getRetryAfterMillis()).isBetween(1L, 10_000L);
    }

    @Test
    void aCallTheCapRefusedIsGivenBack() {
        CallerShares shares = new CallerShares(600);
        shares.admit(POLITE);
        greedyUntilRefused(shares);
        int madeBefore = 0;
        while (shares.admit(POLITE).isEmpty() && madeBefore < 1000) {
            madeBefore++;
        }

        shares.notMade(POLITE);
        assertThat(shares.admit(POLITE)).isEmpty();
    }

    @Test
    void callersSprayedBeyondTheTableShareOnePlaceAndPushNobodyOut() {
        CallerShares shares = new CallerShares(100_000);
        assertThat(shares.admit(POLITE)).isEmpty();
        for (int sprayed = 0; sprayed < 3 * CallerShares.MAX_CALLERS; sprayed++) {
            shares.admit(new Caller("a:" + sprayed));
        }

        assertThat(shares.active()).isEqualTo(CallerShares.MAX_CALLERS);
        assertThat(shares.admit(POLITE)).as("still counted as itself").isEmpty();
    }
}

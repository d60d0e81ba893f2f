package io.omnivibe.resilience;

import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import io.omnivibe.callers.Caller;

/**
 * The cap on upstream calls, shared fairly between callers (max-min fairness), at the cap's pace:
 * over a window of 10 s (or as long as the cap needs to allow 10 calls, up to its minute), the
 * window's part of the cap is shared out; a caller that asks for less than an even share gets all it
 * asks for, and what it leaves goes to those who ask for more, evenly. A caller alone may use the
 * whole of each window's part, and so the whole cap over a minute, but not the minute's cap in a
 * second: that would leave whoever comes next nothing until the minute is over, which is the outage
 * this guards against. The cap itself still bounds every minute, as it bounds the fleet.
 * <p>
 * What a caller asked for and was given is counted in ten slots of the window. The share (the
 * water level over what each caller asked for) is worked out again every 100 ms from those counts,
 * not on every call. Callers are held in a table of at most {@link #MAX_CALLERS}: one that has
 * asked for nothing for a whole window leaves it, and while it is full, callers not in it share one
 * place, so that spraying addresses or header values costs bounded memory and cannot push out a
 * caller already counted.
 */
final class CallerShares {

    static final int MAX_CALLERS = 4096;
    private static final int SLOTS = 10;
    private static final long SHORTEST_WINDOW_NANOS = Duration.ofSeconds(10).toNanos();
    private static final long MINUTE_NANOS = Duration.ofMinutes(1).toNanos();
    /** Calls a window allows at least, unless the whole minute's cap is fewer. */
    private static final int LEAST_CALLS_PER_WINDOW = 10;
    private static final long LEVEL_EVERY_NANOS = Duration.ofMillis(100).toNanos();

    private final long slotNanos;
    /** Calls the cap allows per window. */
    private final double pace;
    private final Map<Caller, Usage> callers = new ConcurrentHashMap<>();
    /** Every caller that came while the table was full. */
    private final Usage overflow;
    private final long originNanos = System.nanoTime();
    private final AtomicBoolean leveling = new AtomicBoolean();
    private volatile double level = Double.POSITIVE_INFINITY;
    private volatile long leveledAtNanos = originNanos - LEVEL_EVERY_NANOS;

    CallerShares(int callsPerMinute) {
        long window = Math.max(SHORTEST_WINDOW_NANOS, Math.min(MINUTE_NANOS, MINUTE_NANOS / callsPerMinute * LEAST_CALLS_PER_WINDOW));
        this.slotNanos = window / SLOTS;
        // A window's count spans nine slots and part of a tenth: its pace is nine slots' worth, so
        // that a minute of windows stays within the cap however the slots fall.
        this.pace = (double) callsPerMinute * (SLOTS - 1) * slotNanos / MINUTE_NANOS;
        this.overflow = new Usage(0);
    }

    /**
     * Counts a call the caller's lookup wants to make: empty when it is within the caller's share
     * (it is then counted as made; {@link #notMade} takes it back), else the refusal, which says
     * when the share frees up.
     */
    Optional<ShareSpentException> admit(Caller caller) {
        long now = System.nanoTime();
        long slot = (now - originNanos) / slotNanos;
        Usage usage = usageOf(caller, slot);
        releveled(now, slot);
        // The share is worked out every 100 ms; meanwhile no caller passes the pace.
        long oldestUsedSlot = usage.ask(slot, Math.min(level, pace));
        if (oldestUsedSlot < 0) {
            return Optional.empty();
        }
        long freesUpNanos = (oldestUsedSlot + SLOTS) * slotNanos - (now - originNanos);
        return Optional.of(new ShareSpentException(Math.max(1, Duration.ofNanos(freesUpNanos).toMillis())));
    }

    /** A call {@link #admit} counted that was not made after all (the cap refused it). */
    void notMade(Caller caller) {
        Usage usage = callers.get(caller);
        (usage == null ? overflow : usage).giveBack((System.nanoTime() - originNanos) / slotNanos);
    }

    /** Callers counted in the last window. */
    int active() {
        return callers.size();
    }

    private Usage usageOf(Caller caller, long slot) {
        Usage usage = callers.get(caller);
        if (usage != null) {
            return usage;
        }
        if (callers.size() >= MAX_CALLERS) {
            return overflow;
        }
        return callers.computeIfAbsent(caller, newcomer -> new Usage(slot));
    }

    /** Works out the share again when it is older than 100 ms, one thread at a time; the others use the last one. */
    private void releveled(long now, long slot) {
        if (now - leveledAtNanos < LEVEL_EVERY_NANOS || !leveling.compareAndSet(false, true)) {
            return;
        }
        try {
            leveledAtNanos = now;
            double[] demands = new double[callers.size() + 1];
            int counted = 0;
            for (Iterator<Map.Entry<Caller, Usage>> entries = callers.entrySet().iterator(); entries.hasNext();) {
                Map.Entry<Caller, Usage> entry = entries.next();
                int asked = entry.getValue().asked(slot);
                if (entry.getValue().idle(slot)) {
                    callers.remove(entry.getKey(), entry.getValue());
                } else if (asked > 0 && counted < demands.length) {
                    demands[counted++] = asked;
                }
            }
            int overflowAsked = overflow.asked(slot);
            if (overflowAsked > 0 && counted < demands.length) {
                demands[counted++] = overflowAsked;
            }
            level = waterLevel(demands, counted, pace);
        } finally {
            leveling.set(false);
        }
    }

    /**
     * Max-min fairness: the most any caller may have when {@code capacity} is shared out over these
     * demands, those under an even share of what is left getting all they ask for; infinite when
     * every demand fits.
     */
    static double waterLevel(double[] demands, int count, double capacity) {
        Arrays.sort(demands, 0, count);
        double left = capacity;
        for (int i = 0; i < count; i++) {
            double even = left / (count - i);
            if (demands[i] > even) {
                return even;
            }
            left -= demands[i];
        }
        return Double.POSITIVE_INFINITY;
    }

    /** One caller's calls asked for and made, per slot of the last window. */
    private static final class Usage {

        private final int[] asked = new int[SLOTS];
        private final int[] made = new int[SLOTS];
        private long lastSlot;
        private long lastAskedSlot;

        Usage(long slot) {
            this.lastSlot = slot;
            this.lastAskedSlot = slot;
        }

        /** Counts the ask, and the call when within {@code limit}: then -1, else the oldest slot holding a call. */
        synchronized long ask(long slot, double limit) {
            roll(slot);
            lastAskedSlot = slot;
            asked[(int) (slot % SLOTS)]++;
            int madeInWindow = 0;
            for (int count : made) {
                madeInWindow += count;
            }
            if (madeInWindow < limit) {
                made[(int) (slot % SLOTS)]++;
                return -1;
            }
            for (long oldest = slot - SLOTS + 1; oldest < slot; oldest++) {
                if (oldest >= 0 && made[(int) (oldest % SLOTS)] > 0) {
                    return oldest;
                }
            }
            return slot;
        }

        synchronized void giveBack(long slot) {
            roll(slot);
            for (long back = slot; back > slot - SLOTS && back >= 0; back--) {
                if (made[(int) (back % SLOTS)] > 0) {
                    made[(int) (back % SLOTS)]--;
                    return;
                }
            }
        }

        /** Whether it has asked for nothing for a whole window (one just counted has not asked yet, but is not idle). */
        synchronized boolean idle(long slot) {
            return slot - lastAskedSlot >= SLOTS;
        }

        synchronized int asked(long slot) {
            roll(slot);
            int total = 0;
            for (int count : asked) {
                total += count;
            }
            return total;
        }

        /** Empties the slots that have left the window since the last count. */
        private void roll(long slot) {
            if (slot - lastSlot >= SLOTS) {
                Arrays.fill(asked, 0);
                Arrays.fill(made, 0);
            } else {
                for (long passed = lastSlot + 1; passed <= slot; passed++) {
                    asked[(int) (passed % SLOTS)] = 0;
                    made[(int) (passed % SLOTS)] = 0;
                }
            }
            lastSlot = Math.max(lastSlot, slot);
        }
    }
}

package io.omnivibe.changes;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.omnivibe.config.LookupPolicy;
import io.omnivibe.upstream.ConversationKey;
import io.omnivibe.upstream.DocumentIds;
import io.quarkus.runtime.Startup;

/**
 * Whether a copy is still current: the freshness window, and the changes Chatwoot reported since
 * the copy was fetched. Without webhooks a copy is current for {@code lookup.fresh-for-ms}. With
 * them, a copy is current for that (long) window when this instance can vouch for it: no change
 * named it since its fetch began, and this instance has heard every change since then. A copy it
 * cannot vouch for (fetched before it listened, while the fleet's feed was lost or before a
 * delivery it had to refuse, or one whose document does not say which conversation it is) is
 * current for {@code lookup.webhooks.fallback-fresh-for-ms} only, and never once a change named it.
 * <p>
 * A change is remembered for the window's length, the time a copy it names could still count as
 * current, within {@link #MAX_BYTES}. The oldest go first (a queue in the order they were heard):
 * one pushed out before its time leaves no gap, as copies fetched before it are no longer vouched
 * for, and the window then shrinks to how long the bound holds changes, not further.
 */
@ApplicationScoped
@Startup
public class ChangeMarks {

    /** About 30 000 changes: at Chatwoot's rate limit of 3 000 a minute, ten minutes of them. */
    static final long MAX_BYTES = 4L << 20;

    private record Heard(ChangeMark mark, long atNanos) {
    }

    private final boolean enabled;
    private final long freshForNanos;
    private final long fallbackNanos;
    private final long absentForNanos;
    private final long absenceFallbackNanos;
    /** How long a change is remembered: as long as a copy or a 404 it names could still count as current. */
    private final long retentionNanos;
    private final Map<ChangeMark, Long> marks = new ConcurrentHashMap<>();
    private final Queue<Heard> inOrder = new ConcurrentLinkedQueue<>();
    private final Counter pushedOut;
    private long bytes;
    private volatile boolean vouching;
    private volatile BooleanSupplier hearing = () -> true;
    private volatile long listeningSinceNanos;
    /** When the last change was heard; as old as a window before the first. */
    private volatile long lastHeardNanos;
    /** Set once changes may have been missed before a moment (a mark pushed out early, a refused delivery). */
    private volatile boolean gap;
    private volatile long gapAtNanos;

    @Inject
    ChangeMarks(LookupPolicy policy, MeterRegistry registry) {
        this(policy.webhooks().secret().isPresent(), Duration.ofMillis(policy.freshForMs()), Duration.ofMillis(policy.absentForMs()),
                Duration.ofMillis(policy.webhooks().fallbackFreshForMs()), registry);
    }

    ChangeMarks(boolean enabled, Duration freshFor, Duration absentFor, Duration fallback, MeterRegistry registry) {
        this.enabled = enabled;
        this.freshForNanos = freshFor.toNanos();
        this.fallbackNanos = Math.min(fallback.toNanos(), freshForNanos);
        this.absentForNanos = absentFor.toNanos();
        this.absenceFallbackNanos = Math.min(fallback.toNanos(), absentForNanos);
        this.retentionNanos = Math.max(freshForNanos, absentForNanos);
        this.listeningSinceNanos = System.nanoTime();
        this.lastHeardNanos = listeningSinceNanos - retentionNanos - 1;
        this.vouching = enabled;
        Gauge.builder("omnivibe.changes.marks", marks, Map::size)
                .description("Conversations, contact identifiers and contacts Chatwoot said changed, remembered for the freshness window")
                .register(registry);
        this.pushedOut = Counter.builder("omnivibe.changes.marks.pushed.out")
                .description("Changes forgotten before the freshness window ended, to stay within 4 MiB: copies fetched before"
                        + " them fell back to lookup.webhooks.fallback-fresh-for-ms")
                .register(registry);
    }

    /** Whether webhooks are configured: without them copies are current for the window alone. */
    public boolean enabled() {
        return enabled;
    }

    /** Whether the copy of {@code key}, whose document has these ids and is this old, may be answered without the upstream. */
    public boolean isCurrent(ConversationKey key, DocumentIds ids, Duration age) {
        long ageNanos = age.toNanos();
        if (ageNanos >= freshForNanos) {
            return false;
        }
        if (!enabled) {
            return true;
        }
        long fetchedAt = System.nanoTime() - ageNanos;
        if (changedSince(key, ids, fetchedAt)) {
            return false;
        }
        return ageNanos < fallbackNanos || vouchesFor(ids, fetchedAt);
    }

    /**
     * Whether the upstream's 404 for {@code key}, this old, may be answered again without asking it.
     * A conversation that appears for the contact identifier (created: display ids only grow, so a
     * missing one can come to exist) names it in its event, whatever the inbox; nothing else can.
     */
    public boolean isAbsenceCurrent(ConversationKey key, Duration age) {
        long ageNanos = age.toNanos();
        if (ageNanos >= absentForNanos) {
            return false;
        }
        if (!enabled) {
            return true;
        }
        long fetchedAt = System.nanoTime() - ageNanos;
        if (!marks.isEmpty() && markedAfter(new ChangeMark.ContactIdentifier(key.contactIdentifier()), fetchedAt)) {
            return false;
        }
        return ageNanos < absenceFallbackNanos || hearsEverythingSince(fetchedAt);
    }

    private boolean vouchesFor(DocumentIds ids, long fetchedAt) {
        return ids.conversationKnown() && hearsEverythingSince(fetchedAt);
    }

    private boolean hearsEverythingSince(long fetchedAt) {
        return vouching && fetchedAt - listeningSinceNanos >= 0 && (!gap || fetchedAt - gapAtNanos > 0) && hearing.getAsBoolean();
    }

    private boolean changedSince(ConversationKey key, DocumentIds ids, long fetchedAt) {
        if (marks.isEmpty()) {
            return false;
        }
        return markedAfter(new ChangeMark.ContactIdentifier(key.contactIdentifier()), fetchedAt)
                || ids.conversationKnown() && markedAfter(new ChangeMark.Conversation(ids.inboxId(), ids.conversationId()), fetchedAt)
                || ids.contactId() != DocumentIds.UNKNOWN && markedAfter(new ChangeMark.Contact(ids.contactId()), fetchedAt);
    }

    /** A change heard when (or after) the fetch began: the document may predate it. */
    private boolean markedAfter(ChangeMark mark, long fetchedAt) {
        Long markedAt = marks.get(mark);
        return markedAt != null && markedAt - fetchedAt >= 0;
    }

    /** Whether any change was heard at or after {@code nanos} (a {@link System#nanoTime()}). */
    public boolean heardSince(long nanos) {
        return lastHeardNanos - nanos >= 0;
    }

    /** Copies these changes name stop being current now. */
    void mark(Collection<ChangeMark> changed) {
        long now = System.nanoTime();
        lastHeardNanos = now;
        synchronized (inOrder) {
            for (ChangeMark mark : changed) {
                marks.put(mark, now);
                inOrder.add(new Heard(mark, now));
                bytes += ChangeMark.weight(mark);
            }
            forgetOld(now);
        }
    }

    /** Drops what the window no longer needs, then the oldest while over the bound; a mark heard again stays for its latest. */
    private void forgetOld(long now) {
        Heard oldest;
        while ((oldest = inOrder.peek()) != null && (now - oldest.atNanos() >= retentionNanos || bytes > MAX_BYTES)) {
            inOrder.poll();
            bytes -= ChangeMark.weight(oldest.mark());
            boolean stillNeeded = now - oldest.atNanos() < retentionNanos;
            if (marks.remove(oldest.mark(), oldest.atNanos()) && stillNeeded) {
                pushedOut.increment();
                missedBefore(oldest.atNanos());
            }
        }
    }

    /** Changes may have gone unheard up to now (a delivery refused, or one the fleet could not be told of). */
    void missedBefore(long nanos) {
        synchronized (this) {
            if (!gap || nanos - gapAtNanos > 0) {
                gapAtNanos = nanos;
                gap = true;
            }
        }
    }

    /** This instance hears every change from {@code sinceNanos} on, while {@code hearing} says so. */
    void vouchFrom(long sinceNanos, BooleanSupplier hearing) {
        this.hearing = hearing;
        listeningSinceNanos = sinceNanos;
        vouching = true;
    }

    /** This instance may miss changes from now on: no copy is vouched for until it hears them again. */
    void stopVouching() {
        vouching = false;
    }

    long size() {
        return marks.size();
    }
}

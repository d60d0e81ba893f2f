package io.omnivibe.changes;

import java.time.Duration;
import java.util.Collection;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.omnivibe.config.LookupPolicy;
import io.omnivibe.upstream.ConversationKey;
import io.omnivibe.upstream.DocumentIds;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Whether a copy is still current: the freshness window, and the changes Chatwoot reported since
 * the copy was fetched. Without webhooks a copy is current for {@code lookup.fresh-for-ms}. With
 * them, a copy is current for that (long) window when this instance can vouch for it: no change
 * named it since its fetch began, and this instance has heard every change since then. A copy it
 * cannot vouch for (fetched before it listened, while the fleet's feed was lost, or one whose
 * document does not say which conversation it is) is current for
 * {@code lookup.webhooks.fallback-fresh-for-ms} only, and never once a change named it.
 * <p>
 * A change is remembered for the window's length, the time a copy it names could still count as
 * current, within a bound in bytes. A change pushed out early by newer ones leaves no gap: copies
 * fetched before it are no longer vouched for.
 * <p>
 * Caffeine loads the cache's generated class by reflection (see {@code StaleStore}); the name here
 * is the one {@code ChangeMarksShapeTest} checks.
 */
@ApplicationScoped
@Startup
@RegisterForReflection(classNames = { "com.github.benmanes.caffeine.cache.SSMWW", "com.github.benmanes.caffeine.cache.PSWMW" })
public class ChangeMarks {

    /** About 30 000 changes: at Chatwoot's rate limit of 3 000 a minute, ten minutes of them. */
    static final long MAX_BYTES = 4L << 20;

    private final boolean enabled;
    private final long freshForNanos;
    private final long fallbackNanos;
    private final Cache<ChangeMark, Long> marks;
    private volatile boolean vouching;
    private volatile long listeningSinceNanos;
    /** Set once a change was pushed out early: copies fetched before it cannot be vouched for. */
    private volatile boolean overflowed;
    private volatile long overflowedAtNanos;

    @Inject
    ChangeMarks(LookupPolicy policy, MeterRegistry registry) {
        this(policy.webhooks().secret().isPresent(), Duration.ofMillis(policy.freshForMs()),
                Duration.ofMillis(Math.min(policy.webhooks().fallbackFreshForMs(), policy.freshForMs())));
        Gauge.builder("omnivibe.changes.marks", marks, Cache::estimatedSize)
                .description("Conversations, contact identifiers and contacts Chatwoot said changed, remembered for the freshness window")
                .register(registry);
    }

    ChangeMarks(boolean enabled, Duration freshFor, Duration fallback) {
        this.enabled = enabled;
        this.freshForNanos = freshFor.toNanos();
        this.fallbackNanos = fallback.toNanos();
        this.listeningSinceNanos = System.nanoTime();
        this.vouching = enabled;
        this.marks = Caffeine.newBuilder()
                .executor(Runnable::run)
                .maximumWeight(MAX_BYTES)
                .<ChangeMark, Long> weigher((mark, at) -> ChangeMark.weight(mark))
                .expireAfterWrite(freshFor.isZero() ? Duration.ofNanos(1) : freshFor)
                .evictionListener((ChangeMark mark, Long markedAt, RemovalCause cause) -> {
                    if (cause == RemovalCause.SIZE) {
                        overflowedAt(markedAt);
                    }
                })
                .build();
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
        boolean vouched = vouching && ids.conversationKnown() && fetchedAt - listeningSinceNanos >= 0
                && (!overflowed || fetchedAt - overflowedAtNanos > 0);
        return vouched || ageNanos < fallbackNanos;
    }

    private boolean changedSince(ConversationKey key, DocumentIds ids, long fetchedAt) {
        if (marks.asMap().isEmpty()) {
            return false;
        }
        return markedAfter(new ChangeMark.ContactIdentifier(key.contactIdentifier()), fetchedAt)
                || ids.conversationKnown() && markedAfter(new ChangeMark.Conversation(ids.inboxId(), ids.conversationId()), fetchedAt)
                || ids.contactId() != DocumentIds.UNKNOWN && markedAfter(new ChangeMark.Contact(ids.contactId()), fetchedAt);
    }

    /** A change heard when (or after) the fetch began: the document may predate it. */
    private boolean markedAfter(ChangeMark mark, long fetchedAt) {
        Long markedAt = marks.getIfPresent(mark);
        return markedAt != null && markedAt - fetchedAt >= 0;
    }

    /** Copies these changes name stop being current now. */
    void mark(Collection<ChangeMark> changed) {
        long now = System.nanoTime();
        for (ChangeMark mark : changed) {
            marks.put(mark, now);
        }
    }

    /** This instance hears every change from {@code sinceNanos} on: copies fetched since then can be vouched for. */
    void vouchFrom(long sinceNanos) {
        listeningSinceNanos = sinceNanos;
        vouching = true;
    }

    /** This instance may miss changes from now on: no copy is vouched for until it hears them again. */
    void stopVouching() {
        vouching = false;
    }

    private synchronized void overflowedAt(long markedAtNanos) {
        if (!overflowed || markedAtNanos - overflowedAtNanos > 0) {
            overflowedAtNanos = markedAtNanos;
            overflowed = true;
        }
    }

    long size() {
        marks.cleanUp();
        return marks.estimatedSize();
    }
}

package io.omnivibe.observability;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.omnivibe.upstream.BodyBudgetSpentException;
import io.omnivibe.upstream.ConversationNotFoundException;
import io.omnivibe.upstream.MalformedUpstreamResponseException;
import io.omnivibe.upstream.UnexpectedUpstreamStatusException;
import io.omnivibe.upstream.UpstreamBodyTooLargeException;
import io.omnivibe.upstream.UpstreamRateLimitedException;
import io.omnivibe.upstream.UpstreamServerErrorException;
import io.omnivibe.upstream.UpstreamTransportException;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;

/**
 * Counts, times, traces and logs lookups and upstream attempts. Labels and span attributes are
 * outcomes, results and route templates only: an identifier there would leak a secret (and, as a
 * metric label, make one time series per caller).
 */
@ApplicationScoped
public class LookupObserver {

    static final String LOOKUPS = "omnivibe.lookups";
    static final String ATTEMPTS = "omnivibe.upstream.attempts";

    private static final Logger LOG = Logger.getLogger(LookupObserver.class);

    static final String UPSTREAM_ROUTE = "/public/api/v1/inboxes/{inbox_identifier}/contacts/{contact_identifier}/conversations/{conversation_id}";
    static final AttributeKey<String> ROUTE = AttributeKey.stringKey("omnivibe.upstream.route");
    static final AttributeKey<Long> ATTEMPT_NUMBER = AttributeKey.longKey("omnivibe.attempt");
    static final AttributeKey<Long> RETRY_NUMBER = AttributeKey.longKey("omnivibe.retry");
    static final AttributeKey<String> ATTEMPT_RESULT = AttributeKey.stringKey("omnivibe.attempt.result");
    static final AttributeKey<String> LOOKUP_OUTCOME = AttributeKey.stringKey("omnivibe.lookup.outcome");
    static final AttributeKey<Long> LOOKUP_ATTEMPTS = AttributeKey.longKey("omnivibe.lookup.attempts");

    private final MeterRegistry registry;
    private final Tracer tracer;
    private final Map<LookupOutcome, Timer> lookups = new EnumMap<>(LookupOutcome.class);
    private final Map<String, Timer> attemptTimers = new ConcurrentHashMap<>();
    private final Counter notModified;

    LookupObserver(MeterRegistry registry, Tracer tracer) {
        this.registry = registry;
        this.tracer = tracer;
        for (LookupOutcome outcome : LookupOutcome.values()) {
            lookups.put(outcome, Timer.builder(LOOKUPS)
                    .description("Lookups by outcome, from request to answer")
                    .tag("outcome", outcome.label())
                    .tag("status", String.valueOf(outcome.status()))
                    .publishPercentileHistogram()
                    .register(registry));
        }
        this.notModified = Counter.builder("omnivibe.lookups.not.modified")
                .description("Lookups answered 304 Not Modified: the caller already had the current document")
                .register(registry);
    }

    /** One lookup ended; {@code span} is its request span. */
    public void lookupEnded(LookupReport lookup, Span span) {
        LookupOutcome outcome = lookup.outcome();
        lookups.get(outcome).record(lookup.duration());
        if (lookup.status() == 304) {
            notModified.increment();
        }
        span.setAttribute(LOOKUP_OUTCOME, outcome.label());
        span.setAttribute(LOOKUP_ATTEMPTS, lookup.attempts());
        if (LOG.isInfoEnabled()) {
            LOG.info(logLine(lookup));
        }
    }

    /**
     * One line per lookup, at INFO: operators find a caller's complaint by its fingerprints and
     * trace id. Built by hand: a printf-style format costs more than the rest of the line.
     */
    private static String logLine(LookupReport lookup) {
        LookupOutcome outcome = lookup.outcome();
        StringBuilder line = new StringBuilder(160).append("Lookup ")
                .append(lookup.key() == null ? "(invalid input)" : lookup.key().toString())
                .append(" outcome=").append(outcome.label())
                .append(" status=").append(lookup.status())
                .append(" attempts=").append(lookup.attempts());
        if (lookup.joinedCall()) {
            line.append(" joined-call=true");
        }
        return line.append(" duration=").append(lookup.duration().toMillis()).append("ms")
                .append(" cache=").append(switch (outcome) {
                    case FRESH -> "fresh";
                    case RECENT -> "recent";
                    case STALE -> "stale";
                    default -> "none";
                })
                .toString();
    }

    /**
     * Starts timing and tracing upstream attempt number {@code attempt} (1 for the first); the
     * span carries the route template, never the identifiers.
     */
    public Attempt attemptStarted(int attempt) {
        Span span = tracer.spanBuilder("omnivibe upstream attempt")
                .setSpanKind(SpanKind.INTERNAL)
                .setAttribute(ROUTE, UPSTREAM_ROUTE)
                .setAttribute(ATTEMPT_NUMBER, attempt)
                .setAttribute(RETRY_NUMBER, attempt - 1)
                .startSpan();
        return new Attempt(span, System.nanoTime());
    }

    /** An upstream attempt in flight; it is recorded once, by whichever of its ends comes first. */
    public final class Attempt {
        private final Span span;
        private final long startedNanos;
        private final AtomicBoolean ended = new AtomicBoolean();

        private Attempt(Span span, long startedNanos) {
            this.span = span;
            this.startedNanos = startedNanos;
        }

        public void ended(Throwable failure) {
            end(attemptResult(failure));
        }

        /** The attempt was given up on: its time ran out. */
        public void timedOut() {
            end("timeout");
        }

        private void end(String result) {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            attemptTimers.computeIfAbsent(result, LookupObserver.this::attemptTimer)
                    .record(Duration.ofNanos(System.nanoTime() - startedNanos));
            span.setAttribute(ATTEMPT_RESULT, result);
            if (!result.equals("ok") && !result.equals("not_found")) {
                span.setStatus(StatusCode.ERROR);
            }
            span.end();
        }
    }

    private Timer attemptTimer(String result) {
        return Timer.builder(ATTEMPTS)
                .description("Upstream attempts by result")
                .tag("result", result)
                .publishPercentileHistogram()
                .register(registry);
    }

    private static String attemptResult(Throwable failure) {
        if (failure == null) {
            return "ok";
        }
        if (failure instanceof ConversationNotFoundException) {
            return "not_found";
        }
        if (failure instanceof UpstreamRateLimitedException) {
            return "rate_limited";
        }
        if (failure instanceof UpstreamServerErrorException) {
            return "server_error";
        }
        if (failure instanceof UpstreamTransportException) {
            return "transport_error";
        }
        if (failure instanceof MalformedUpstreamResponseException) {
            return "malformed";
        }
        if (failure instanceof UnexpectedUpstreamStatusException) {
            return "unexpected_status";
        }
        if (failure instanceof UpstreamBodyTooLargeException) {
            return "body_too_large";
        }
        if (failure instanceof BodyBudgetSpentException) {
            return "body_budget_spent";
        }
        return "error";
    }
}

package io.omnivibe.shared;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.omnivibe.config.LookupPolicy;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * The Redis a fleet of instances shares, when {@code quarkus.redis.hosts} names one; off
 * otherwise, and then the service keeps everything in process. An operation never fails, and a
 * lookup never waits for it past the time it was given ({@code lookup.shared.timeout-ms} for
 * copies): without an answer by then it yields empty, and the lookup goes on as if in process.
 * <p>
 * Slow is not lost. An operation the lookup stopped waiting for is still followed, up to
 * {@link #LOST_AFTER}: answered late, it says Redis is reachable (counted {@code late}). Redis is
 * taken for unreachable when an operation fails to reach it, or has no answer within
 * {@link #LOST_AFTER}, and no other operation was answered meanwhile: an instance with more
 * operations than connections, or too busy to read its answers at once, is busy, not cut off.
 * <p>
 * An answer that is an error is not a Redis that works. A replica that took over read-only
 * ({@code READONLY}), a full one under {@code noeviction} ({@code OOM}), a Redis-compatible server
 * without a command the service needs: each refuses every write, so each is taken for unreachable
 * too, and the instance goes on in process on its offline allowance instead of waiting on a count
 * it can never raise.
 * <p>
 * While Redis is unreachable every operation is skipped at once, so that its outage costs lookups
 * no waiting, and once a second (when an operation comes) a probe writes a short-lived key through
 * a script, as the cap does: only its answer makes Redis reachable again, so that a replica that
 * still answers reads is not taken back at the first read.
 */
@ApplicationScoped
// Built while the service starts: a missing or short secret stops start-up, not a lookup.
@Startup
public class SharedStore {

    public enum State {
        OFF, UNKNOWN, REACHABLE, UNREACHABLE
    }

    enum Operation {
        READ, WRITE, CAP, FEED
    }

    private enum Result {
        OK, LATE, FAILED, TIMEOUT, SKIPPED, BUSY
    }

    static final String HOSTS_PROPERTY = "quarkus.redis.hosts";
    private static final Logger LOG = Logger.getLogger(SharedStore.class);
    private static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);
    /**
     * Without an answer for this long Redis is taken for lost: far above what a busy instance's
     * round trip takes (bench/fleet saw tens of milliseconds on a saturated 2-core machine), far
     * below a lookup's budget.
     */
    static final Duration LOST_AFTER = Duration.ofSeconds(1);
    /**
     * What the probe asks of Redis: what the cap's and the feed's scripts need (a script, its
     * clock, a write that expires), on a key of its own that expires at once.
     */
    private static final String PROBE = """
            local time = redis.call('TIME')
            redis.call('SET', KEYS[1], time[1], 'PX', 1000)
            return 1
            """;
    /** The first operation opens the first connection: more than a lookup's time limit, and no lookup waits on it. */
    private static final Duration FIRST_CONNECTION_TIME = Duration.ofSeconds(5);

    private final Redis redis;
    private final Sealing sealing;
    private final String namespace;
    private final Duration timeout;
    private final Map<Operation, Map<Result, Timer>> timers = new EnumMap<>(Operation.class);
    private final AtomicLong nextProbeNanos = new AtomicLong();
    private final String probeKey;
    private volatile long lastAnsweredNanos = System.nanoTime();
    private volatile State state;

    SharedStore(LookupPolicy policy, Instance<Redis> redis, MeterRegistry registry) {
        LookupPolicy.Shared shared = policy.shared();
        this.namespace = checkedNamespace(shared.namespace());
        this.timeout = Duration.ofMillis(shared.timeoutMs());
        if (ConfigProvider.getConfig().getOptionalValue(HOSTS_PROPERTY, String.class).filter(hosts -> !hosts.isBlank()).isEmpty()) {
            this.redis = null;
            this.sealing = null;
            this.probeKey = null;
            this.state = State.OFF;
            return;
        }
        this.sealing = sealingFrom(shared.secret());
        this.redis = redis.get();
        this.probeKey = key("probe", "writable");
        this.state = State.UNKNOWN;
        // As the circuit's: one series per state, 1 for the current one, so an alert needs no decoding.
        for (State shown : List.of(State.UNKNOWN, State.REACHABLE, State.UNREACHABLE)) {
            Gauge.builder("omnivibe.shared.store.state", () -> state == shown ? 1 : 0)
                    .description("State of the shared store (Redis) as this instance last found it: 1 for the current state")
                    .tag("state", shown.name().toLowerCase())
                    .register(registry);
        }
        for (Operation operation : Operation.values()) {
            Map<Result, Timer> byResult = new EnumMap<>(Result.class);
            for (Result result : Result.values()) {
                byResult.put(result, Timer.builder("omnivibe.shared.operations")
                        .description("Operations on the shared store (Redis), by result; late: answered after the lookup"
                                + " stopped waiting for it; timeout: no answer within 1 s; skipped: not tried while it is"
                                + " unreachable; busy: not tried, every connection to it in use and the queue for one full")
                        .tag("operation", operation.name().toLowerCase())
                        .tag("result", result.name().toLowerCase())
                        .register(registry));
            }
            timers.put(operation, byResult);
        }
        // Connect and learn whether Redis answers, without holding start-up on it.
        Request ping = Request.cmd(Command.PING);
        send(Operation.READ, () -> this.redis.send(ping), FIRST_CONNECTION_TIME, FIRST_CONNECTION_TIME).subscribe().with(answer -> {
        });
    }

    private static String checkedNamespace(String namespace) {
        if (!namespace.matches("[A-Za-z0-9._:-]{1,64}")) {
            throw new ConfigurationException("lookup.shared.namespace (LOOKUP_SHARED_NAMESPACE) is \"" + namespace
                    + "\"; allowed: 1 to 64 letters, digits, '.', '_', ':' or '-'");
        }
        return namespace;
    }

    private static Sealing sealingFrom(Optional<String> secret) {
        String howToFix = "set LOOKUP_SHARED_SECRET (lookup.shared.secret) to at least " + Sealing.MIN_SECRET_BYTES
                + " random bytes, base64, the same on every instance (e.g. openssl rand -base64 32)";
        if (secret.filter(value -> !value.isBlank()).isEmpty()) {
            throw new ConfigurationException("QUARKUS_REDIS_HOSTS names a Redis but LOOKUP_SHARED_SECRET is not set: " + howToFix);
        }
        try {
            return Sealing.fromSecret(secret.get());
        } catch (IllegalArgumentException invalid) {
            throw new ConfigurationException("LOOKUP_SHARED_SECRET is not base64 of " + Sealing.MIN_SECRET_BYTES
                    + " bytes or more: " + howToFix);
        }
    }

    public boolean enabled() {
        return redis != null;
    }

    public State state() {
        return state;
    }

    /** Whether Redis is known lost or refusing: the last operation that could tell found no Redis that works. */
    boolean unreachable() {
        return state == State.UNREACHABLE;
    }

    Sealing sealing() {
        return sealing;
    }

    /** A Redis key of this service: the namespace, what it holds, and a name that says nothing by itself. */
    String key(String kind, String name) {
        return namespace + ':' + kind + ':' + name;
    }

    /** A connection of its own, for a subscription: it leaves the pool for good. */
    Uni<io.vertx.mutiny.redis.client.RedisConnection> connect() {
        return redis.connect();
    }

    /** Redis's answer, or empty when it failed, took longer than {@code lookup.shared.timeout-ms}, or was skipped. */
    Uni<Optional<Response>> send(Operation operation, Request request) {
        return send(operation, () -> redis.send(request), timeout, LOST_AFTER);
    }

    /**
     * Redis's answer, or empty when it failed, was skipped, or Redis is lost: for the caller that
     * bounds its own wait.
     */
    Uni<Optional<Response>> sendUntilLost(Operation operation, Request request) {
        return send(operation, () -> redis.send(request), LOST_AFTER, LOST_AFTER);
    }

    /** Redis's answers to requests sent one after the other on one connection (not atomically), or empty as for one. */
    Uni<Optional<List<Response>>> sendInOrder(Operation operation, List<Request> requests) {
        return send(operation, () -> redis.batch(requests), timeout, LOST_AFTER);
    }

    /**
     * Sends the request and follows it up to {@code lostAfter}, whatever the caller does; the
     * caller gets the answer, or empty after {@code wait}. The two are apart so that an answer the
     * caller no longer waits for still tells whether Redis is there.
     */
    private <T> Uni<Optional<T>> send(Operation operation, Supplier<Uni<T>> request, Duration wait, Duration lostAfter) {
        if (!mayTry()) {
            timers.get(operation).get(Result.SKIPPED).record(Duration.ZERO);
            return Uni.createFrom().item(Optional.empty());
        }
        long startNanos = System.nanoTime();
        CompletableFuture<Optional<T>> answer = new CompletableFuture<>();
        request.get()
                .ifNoItem().after(lostAfter).fail()
                .subscribe().with(response -> {
                    boolean waitedFor = answer.complete(Optional.ofNullable(response));
                    timers.get(operation).get(waitedFor ? Result.OK : Result.LATE).record(Duration.ofNanos(System.nanoTime() - startNanos));
                    answered(false);
                }, failure -> {
                    // The state first: whoever gets the empty answer asks whether Redis is lost.
                    failed(operation, failure, startNanos);
                    answer.complete(Optional.empty());
                });
        return Uni.createFrom().completionStage(answer)
                .ifNoItem().after(wait).recoverWithItem(Optional.empty());
    }

    private void failed(Operation operation, Throwable failure, long startNanos) {
        Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
        if (failure instanceof ConnectionPoolTooBusyException) {
            // Redis is not slow: this instance has more operations in flight than connections to
            // it. Taking it for unreachable would hand every lookup the offline cap for a second,
            // at each burst.
            timers.get(operation).get(Result.BUSY).record(took);
            return;
        }
        boolean timedOut = failure instanceof io.smallrye.mutiny.TimeoutException;
        timers.get(operation).get(timedOut ? Result.TIMEOUT : Result.FAILED).record(took);
        if (isRedisError(failure)) {
            unusable("answers with errors (" + failure.getMessage() + ", to a " + operation.name().toLowerCase() + " operation)");
        } else if (lastAnsweredNanos - startNanos > 0) {
            // Redis answered other operations while this one waited (for a connection, or
            // through a pause of this process): it is reachable, this one was lost.
            LOG.debugf("Shared store answered others while %s waited: %s", operation, failure);
        } else {
            unanswered(timedOut ? "no answer within " + took.toMillis() + " ms" : failure.toString());
        }
    }

    /** Redis's error replies fail the operation with a throwable that is also a reply. */
    private static boolean isRedisError(Throwable failure) {
        return failure instanceof io.vertx.redis.client.Response;
    }

    /** Whether to send an operation; while Redis is unreachable none is, and a probe goes instead now and then. */
    private boolean mayTry() {
        if (state != State.UNREACHABLE) {
            return true;
        }
        long now = System.nanoTime();
        long next = nextProbeNanos.get();
        if (now - next >= 0 && nextProbeNanos.compareAndSet(next, now + PROBE_INTERVAL.toNanos())) {
            sendProbe();
        }
        return false;
    }

    private void sendProbe() {
        redis.send(Request.cmd(Command.EVAL).arg(PROBE).arg(1).arg(probeKey))
                .ifNoItem().after(LOST_AFTER).fail()
                .subscribe().with(written -> answered(true), failure -> {
                    if (isRedisError(failure)) {
                        LOG.debugf("Shared store still answers with an error: %s", failure.getMessage());
                    } else {
                        LOG.debugf("Shared store still unreachable: %s", failure);
                    }
                });
    }

    /**
     * Redis answered: it is reachable, unless it was taken for unreachable and this is not the
     * probe's answer (a read answered by a read-only replica says nothing of writes).
     */
    private void answered(boolean probed) {
        lastAnsweredNanos = System.nanoTime();
        State before = state;
        if (before == State.UNREACHABLE && !probed) {
            return;
        }
        state = State.REACHABLE;
        if (before == State.UNREACHABLE) {
            LOG.info("Shared store (Redis) reachable again: last good copies and the call cap are shared again");
        } else if (before == State.UNKNOWN) {
            LOG.info("Shared store (Redis) reachable: last good copies and the call cap are shared");
        }
    }

    private void unanswered(String why) {
        unusable("unreachable (" + why + ")");
    }

    /** Taken for unreachable: one line when it becomes so, whatever the operations that find it so meanwhile. */
    void unusable(String why) {
        nextProbeNanos.set(System.nanoTime() + PROBE_INTERVAL.toNanos());
        State before = state;
        state = State.UNREACHABLE;
        if (before != State.UNREACHABLE) {
            LOG.warnf("Shared store (Redis) %s: lookups go on in process, the cap at "
                    + "lookup.shared.offline-calls-per-minute, until it takes writes again", why);
        } else {
            LOG.debugf("Shared store (Redis) still %s", why);
        }
    }
}

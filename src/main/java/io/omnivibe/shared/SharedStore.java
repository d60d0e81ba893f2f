package io.omnivibe.shared;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

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
 * otherwise, and then the service keeps everything in process. An operation never fails and never
 * waits past {@code lookup.shared.timeout-ms}: without an answer it yields empty, and the lookup
 * goes on as if in process. While Redis does not answer, one operation a second tries it and the
 * others are skipped at once, so that its outage costs lookups no waiting. Redis is taken for
 * unreachable only when an operation fails or runs out of time and no other was answered while it
 * waited: an instance with more operations than connections is busy, not cut off.
 */
@ApplicationScoped
// Built while the service starts: a missing or short secret stops start-up, not a lookup.
@Startup
public class SharedStore {

    public enum State {
        OFF, UNKNOWN, REACHABLE, UNREACHABLE
    }

    enum Operation {
        READ, WRITE, CAP
    }

    private enum Result {
        OK, FAILED, TIMEOUT, SKIPPED, BUSY
    }

    static final String HOSTS_PROPERTY = "quarkus.redis.hosts";
    private static final Logger LOG = Logger.getLogger(SharedStore.class);
    private static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);
    /** The first operation opens the first connection: more than a lookup's time limit, and no lookup waits on it. */
    private static final Duration FIRST_CONNECTION_TIME = Duration.ofSeconds(5);

    private final Redis redis;
    private final Sealing sealing;
    private final String namespace;
    private final Duration timeout;
    private final Map<Operation, Map<Result, Timer>> timers = new EnumMap<>(Operation.class);
    private final AtomicLong nextProbeNanos = new AtomicLong();
    private volatile long lastAnsweredNanos = System.nanoTime();
    private volatile State state;

    SharedStore(LookupPolicy policy, Instance<Redis> redis, MeterRegistry registry) {
        LookupPolicy.Shared shared = policy.shared();
        this.namespace = checkedNamespace(shared.namespace());
        this.timeout = Duration.ofMillis(shared.timeoutMs());
        if (ConfigProvider.getConfig().getOptionalValue(HOSTS_PROPERTY, String.class).filter(hosts -> !hosts.isBlank()).isEmpty()) {
            this.redis = null;
            this.sealing = null;
            this.state = State.OFF;
            return;
        }
        this.sealing = sealingFrom(shared.secret());
        this.redis = redis.get();
        this.state = State.UNKNOWN;
        for (Operation operation : Operation.values()) {
            Map<Result, Timer> byResult = new EnumMap<>(Result.class);
            for (Result result : Result.values()) {
                byResult.put(result, Timer.builder("omnivibe.shared.operations")
                        .description("Operations on the shared store (Redis), by result; skipped: not tried while it is"
                                + " unreachable; busy: not tried, every connection to it in use and the queue for one full")
                        .tag("operation", operation.name().toLowerCase())
                        .tag("result", result.name().toLowerCase())
                        .register(registry));
            }
            timers.put(operation, byResult);
        }
        // Connect and learn whether Redis answers, without holding start-up on it.
        Request ping = Request.cmd(Command.PING);
        send(Operation.READ, () -> this.redis.send(ping), FIRST_CONNECTION_TIME).subscribe().with(answer -> {
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

    Sealing sealing() {
        return sealing;
    }

    /** A Redis key of this service: the namespace, what it holds, and a name that says nothing by itself. */
    String key(String kind, String name) {
        return namespace + ':' + kind + ':' + name;
    }

    /** Redis's answer, or empty when it failed, took longer than the time limit, or was skipped. */
    Uni<Optional<Response>> send(Operation operation, Request request) {
        return send(operation, () -> redis.send(request), timeout);
    }

    /** Redis's answers to requests sent one after the other on one connection (not atomically), or empty as for one. */
    Uni<Optional<List<Response>>> sendInOrder(Operation operation, List<Request> requests) {
        return send(operation, () -> redis.batch(requests), timeout);
    }

    private <T> Uni<Optional<T>> send(Operation operation, Supplier<Uni<T>> request, Duration timeout) {
        if (!mayTry()) {
            timers.get(operation).get(Result.SKIPPED).record(Duration.ZERO);
            return Uni.createFrom().item(Optional.empty());
        }
        long startNanos = System.nanoTime();
        return request.get()
                .ifNoItem().after(timeout).fail()
                .onItemOrFailure().transform((response, failure) -> {
                    Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
                    if (failure == null) {
                        timers.get(operation).get(Result.OK).record(took);
                        answered();
                        return Optional.ofNullable(response);
                    }
                    if (failure instanceof ConnectionPoolTooBusyException) {
                        // Redis is not slow: this instance has more operations in flight than
                        // connections to it. Taking it for unreachable would hand every lookup the
                        // offline cap for a second, at each burst.
                        timers.get(operation).get(Result.BUSY).record(took);
                        return Optional.<T> empty();
                    }
                    boolean timedOut = failure instanceof io.smallrye.mutiny.TimeoutException;
                    timers.get(operation).get(timedOut ? Result.TIMEOUT : Result.FAILED).record(took);
                    if (isRedisError(failure)) {
                        // Redis answered, with an error about this command: it is reachable.
                        answered();
                        LOG.errorf("Shared store refused %s: %s", operation, failure.getMessage());
                    } else if (lastAnsweredNanos - startNanos > 0) {
                        // Redis answered other operations while this one waited (for a connection,
                        // or through a pause of this process): it is reachable, this one was late.
                        LOG.debugf("Shared store answered others while %s waited: %s", operation, failure);
                    } else {
                        unanswered(timedOut ? "no answer within " + timeout.toMillis() + " ms" : failure.toString());
                    }
                    return Optional.<T> empty();
                });
    }

    /** Redis's error replies fail the operation with a throwable that is also a reply. */
    private static boolean isRedisError(Throwable failure) {
        return failure instanceof io.vertx.redis.client.Response;
    }

    private boolean mayTry() {
        if (state != State.UNREACHABLE) {
            return true;
        }
        long now = System.nanoTime();
        long next = nextProbeNanos.get();
        return now - next >= 0 && nextProbeNanos.compareAndSet(next, now + PROBE_INTERVAL.toNanos());
    }

    private void answered() {
        lastAnsweredNanos = System.nanoTime();
        State before = state;
        state = State.REACHABLE;
        if (before == State.UNREACHABLE) {
            LOG.info("Shared store (Redis) reachable again: last good copies and the call cap are shared again");
        } else if (before == State.UNKNOWN) {
            LOG.info("Shared store (Redis) reachable: last good copies and the call cap are shared");
        }
    }

    private void unanswered(String why) {
        nextProbeNanos.set(System.nanoTime() + PROBE_INTERVAL.toNanos());
        State before = state;
        state = State.UNREACHABLE;
        if (before != State.UNREACHABLE) {
            LOG.warnf("Shared store (Redis) unreachable (%s): lookups go on in process, the cap at "
                    + "lookup.shared.offline-calls-per-minute, until it answers", why);
        }
    }
}

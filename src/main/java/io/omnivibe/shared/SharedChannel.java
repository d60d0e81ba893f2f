package io.omnivibe.shared;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * A channel every instance naming the same Redis and namespace hears (Redis pub/sub): what one
 * instance publishes, sealed, reaches the others within a round trip. Redis keeps no message for
 * a subscriber that is not there, so an instance must know whether it hears the channel: it
 * publishes to a channel of its own every {@link #ECHO_INTERVAL}, and takes the channel for lost
 * when that echo has not come back for {@link #LOST_AFTER}, or its connection ends. It then
 * subscribes again, on a new connection, once an interval.
 * <p>
 * The echo is sent as the other instances' changes are, by a script that writes: a Redis that
 * takes no writes (a read-only replica) still passes a plain {@code PUBLISH} and its echo, while
 * the changes the others try to publish never arrive. Written so, the echo fails there too, and an
 * instance that only serves hits stops vouching for its copies instead of serving them stale. A
 * subscription counts as listening only once its first echo is back: one that Redis acknowledges
 * but through which nothing can be heard must not make the instance vouch, nor say it listens
 * again every time it subscribes.
 */
@ApplicationScoped
public class SharedChannel {

    /** What the channel's user hears of it. Called on the connection's event loop: must not block. */
    public interface Listener {

        /** A message another instance (or this one) published, opened. */
        void heard(byte[] message);

        /** Subscribed, and its echo heard: every message published from {@code sinceNanos} on is heard. */
        void listening(long sinceNanos);

        /** Messages may be missed from now on. */
        void lost(String why);
    }

    static final Duration ECHO_INTERVAL = Duration.ofMillis(500);
    /** Three echoes missed: far above a busy instance's round trip, short enough that few changes go unheard. */
    static final Duration LOST_AFTER = Duration.ofMillis(1500);
    private static final Logger LOG = Logger.getLogger(SharedChannel.class);
    /**
     * Publishes a message once for a name: the first instance to publish it sets a key that lives
     * for the replay window; later ones (the same delivery, received again) publish nothing.
     * Returns the subscribers reached, or -1 when it was published before.
     */
    private static final String PUBLISH_ONCE = """
            if redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[2]) then
              return redis.call('PUBLISH', KEYS[2], ARGV[1])
            end
            return -1""";
    /** KEYS[1]: a key of this instance's, KEYS[2]: its echo channel. Writes, then publishes: fails wherever a change would. */
    private static final String ECHO = """
            redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
            return redis.call('PUBLISH', KEYS[2], 'echo')""";

    private final SharedStore store;
    private final Vertx vertx;
    private final Counter rejected;
    private final String channel;
    private final String echoChannel;
    private final String echoedKey;
    private Listener listener;
    /** Where the subscription is looked after: one event loop, so that what follows needs no lock. */
    private Context context;
    private RedisConnection connection;
    private boolean connecting;
    /** Numbers each attempt to subscribe, so that a late answer to an abandoned one is recognised. */
    private long attempts;
    private volatile long echoHeardNanos;
    private volatile boolean subscribed;
    /** Whether the current subscription has heard its own echo, and since when it would hear everything. */
    private volatile boolean heardOwnEcho;
    private long subscribedSinceNanos;

    SharedChannel(SharedStore store, Vertx vertx, MeterRegistry registry) {
        this.store = store;
        this.vertx = vertx;
        this.rejected = Counter.builder("omnivibe.shared.messages.rejected")
                .description("Messages on the shared channel ignored because they did not open with this instance's secret")
                .register(registry);
        byte[] instance = new byte[12];
        ThreadLocalRandom.current().nextBytes(instance);
        this.channel = store.enabled() ? store.key("changes", "all") : null;
        String instanceName = Base64.getUrlEncoder().withoutPadding().encodeToString(instance);
        this.echoChannel = store.enabled() ? store.key("echo", instanceName) : null;
        this.echoedKey = store.enabled() ? store.key("echoed", instanceName) : null;
    }

    public boolean enabled() {
        return store.enabled();
    }

    /** Starts listening, for good: subscribes now, and again whenever the channel is lost. */
    public synchronized void listen(Listener listener) {
        if (this.listener != null) {
            throw new IllegalStateException("the shared channel has a listener already");
        }
        this.listener = listener;
        this.context = vertx.getOrCreateContext();
        context.runOnContext(started -> {
            subscribe();
            vertx.setPeriodic(ECHO_INTERVAL.toMillis(), tick -> checkAndEcho());
        });
    }

    /**
     * Publishes a message to every instance once for {@code name}, within the time the name is
     * remembered. Yields the instances reached, -1 when the name was published before; empty when
     * Redis did not take it (then no other instance heard it).
     */
    public Uni<Optional<Long>> publishOnce(String name, Duration remembered, byte[] message) {
        byte[] sealed = store.sealing().seal(message, channel.getBytes(StandardCharsets.UTF_8));
        Request request = Request.cmd(Command.EVAL).arg(PUBLISH_ONCE).arg(2)
                .arg(store.key("published", store.sealing().name(name.getBytes(StandardCharsets.UTF_8)))).arg(channel)
                .arg(sealed).arg(Math.max(1, remembered.toMillis()));
        return store.sendUntilLost(SharedStore.Operation.FEED, request)
                .map(answer -> answer.map(Response::toLong));
    }

    /**
     * Whether this instance hears the channel now: subscribed, and its last echo came back less
     * than {@link #LOST_AFTER} ago. Read where it matters, not only when the timer looks: a timer
     * that runs late (a frozen Lambda thawing, a starved core) must not leave a deaf instance
     * vouching for copies meanwhile.
     */
    public boolean hearing() {
        return subscribed && heardOwnEcho && System.nanoTime() - echoHeardNanos <= LOST_AFTER.toNanos();
    }

    private void checkAndEcho() {
        if (connection == null) {
            if (!connecting) {
                subscribe();
            }
            return;
        }
        if (subscribed && System.nanoTime() - echoHeardNanos > LOST_AFTER.toNanos()) {
            lose(connection, "no echo of its own for " + LOST_AFTER.toMillis() + " ms");
            return;
        }
        echo();
    }

    private void echo() {
        Request echo = Request.cmd(Command.EVAL).arg(ECHO).arg(2).arg(echoedKey).arg(echoChannel).arg(LOST_AFTER.toMillis());
        store.send(SharedStore.Operation.FEED, echo).subscribe().with(published -> {
        });
    }

    /**
     * One attempt to subscribe, on the context, timed by a timer of its own rather than by
     * cancelling the connect: a connection that arrives after its attempt was given up is closed,
     * not left out of the pool for good.
     */
    private void subscribe() {
        connecting = true;
        long attempt = ++attempts;
        long deadline = vertx.setTimer(LOST_AFTER.toMillis(), late -> {
            if (attempt == attempts && connecting) {
                connecting = false;
                giveUp(connection, "no subscription within " + LOST_AFTER.toMillis() + " ms");
            }
        });
        store.connect().subscribe().with(opened -> context.runOnContext(now -> {
            if (attempt != attempts || !connecting) {
                close(opened);
                return;
            }
            connection = opened;
            opened.handler(this::onMessage);
            opened.exceptionHandler(failure -> context.runOnContext(later -> lose(opened, failure.toString())));
            opened.endHandler(() -> context.runOnContext(later -> lose(opened, "connection closed")));
            opened.send(Request.cmd(Command.SUBSCRIBE).arg(channel).arg(echoChannel)).subscribe().with(
                    subscribedAnswer -> context.runOnContext(later -> {
                        if (connection != opened || !connecting) {
                            return;
                        }
                        vertx.cancelTimer(deadline);
                        connecting = false;
                        subscribedSinceNanos = System.nanoTime();
                        echoHeardNanos = subscribedSinceNanos;
                        heardOwnEcho = false;
                        subscribed = true;
                        echo();
                    }),
                    failure -> context.runOnContext(later -> {
                        if (connection == opened && connecting) {
                            vertx.cancelTimer(deadline);
                            connecting = false;
                            giveUp(opened, "could not subscribe: " + failure);
                        }
                    }));
        }), failure -> context.runOnContext(now -> {
            if (attempt == attempts && connecting) {
                vertx.cancelTimer(deadline);
                connecting = false;
                giveUp(connection, "could not connect: " + failure);
            }
        }));
    }

    private void onMessage(Response message) {
        if (message.size() < 3 || !"message".equals(message.get(0).toString())) {
            return;
        }
        String from = message.get(1).toString();
        if (from.equals(echoChannel)) {
            echoHeardNanos = System.nanoTime();
            if (!heardOwnEcho) {
                context.runOnContext(now -> firstEchoHeard());
            }
        } else if (from.equals(channel)) {
            Optional<byte[]> opened = store.sealing().open(message.get(2).toBytes(), channel.getBytes(StandardCharsets.UTF_8));
            opened.ifPresentOrElse(listener::heard, rejected::increment);
        }
    }

    /** On the context: the subscription hears what is published through Redis, from when it was made. */
    private void firstEchoHeard() {
        if (subscribed && !heardOwnEcho) {
            heardOwnEcho = true;
            listener.listening(subscribedSinceNanos);
        }
    }

    /** Ends the subscription on {@code lost}, unless a newer one replaced it (a late report of an old connection). */
    private void lose(RedisConnection lost, String why) {
        if (lost != connection || connecting) {
            return;
        }
        giveUp(lost, why);
    }

    /** Closes {@code lost} (the connection in use, or none) and says the channel is lost; the next tick subscribes again. */
    private void giveUp(RedisConnection lost, String why) {
        connection = null;
        subscribed = false;
        if (lost != null) {
            close(lost);
        }
        listener.lost(why);
    }

    private static void close(RedisConnection connection) {
        connection.close().subscribe().with(closed -> {
        }, failure -> LOG.debugf("Closing a subscription's connection failed: %s", failure));
    }
}

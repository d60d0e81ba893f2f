package io.omnivibe.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import redis.embedded.RedisServer;

/**
 * A real {@code redis-server} (6.2, from the embedded-redis artifact) on a free loopback port, no
 * Docker: started and stopped by tests, which also read and write what it holds through a client
 * of their own.
 */
public final class EmbeddedRedis implements AutoCloseable {

    private final int port;
    private final RedisServer server;
    private final Vertx vertx = Vertx.vertx();
    private final Redis client;

    private EmbeddedRedis(int port) throws IOException {
        this.port = port;
        this.server = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                .setting("save \"\"").setting("appendonly no")
                .build();
        server.start();
        this.client = Redis.createClient(vertx, url());
    }

    public static EmbeddedRedis start() throws IOException {
        return new EmbeddedRedis(PackagedService.freePort());
    }

    /** The value for {@code QUARKUS_REDIS_HOSTS}. */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** The settings that name this Redis, with a secret of 32 random bytes the same for every instance given it. */
    public Map<String, String> settings(String secret) {
        return Map.of("quarkus.redis.hosts", url(), "lookup.shared.secret", secret);
    }

    /** Kills the server, as a crash or a lost network would; lookups must go on without it. */
    public void kill() throws IOException {
        server.stop();
    }

    /** Starts it again on the same port, empty. */
    public void restart() throws IOException {
        server.start();
    }

    /** Blocks the server for {@code time}: every client's command waits. */
    public void stall(Duration time) {
        Redis sleeper = Redis.createClient(vertx, url());
        sleeper.send(Request.cmd(Command.DEBUG).arg("SLEEP").arg(time.toMillis() / 1000.0))
                .subscribe().with(done -> sleeper.close(), failure -> sleeper.close());
    }

    /** Holds every other client's commands for {@code time}; in force when this returns. */
    public void pause(Duration time) {
        send(Request.cmd(Command.CLIENT).arg("PAUSE").arg(time.toMillis()).arg("ALL"));
    }

    /** Holds every client's writes for {@code time}, answering its reads meanwhile. */
    public void pauseWrites(Duration time) {
        send(Request.cmd(Command.CLIENT).arg("PAUSE").arg(time.toMillis()).arg("WRITE"));
    }

    /**
     * Makes it a replica of a master that is not there, as a failover can leave it: reads are
     * answered from what it holds, every write and every script that writes is refused with
     * {@code READONLY}.
     */
    public void readOnly() throws IOException {
        send(Request.cmd(Command.REPLICAOF).arg("127.0.0.1").arg(PackagedService.freePort()));
    }

    /** A master again, taking writes. */
    public void writable() {
        send(Request.cmd(Command.REPLICAOF).arg("NO").arg("ONE"));
    }

    public List<String> keys() {
        Response keys = send(Request.cmd(Command.KEYS).arg("*"));
        List<String> names = new ArrayList<>();
        keys.forEach(key -> names.add(key.toString()));
        return names;
    }

    public byte[] value(String key) {
        Response value = send(Request.cmd(Command.GET).arg(key));
        return value == null ? null : value.toBytes();
    }

    /** A hash's fields and their values, as text. */
    public Map<String, String> hash(String key) {
        Response fields = send(Request.cmd(Command.HGETALL).arg(key));
        Map<String, String> hash = new HashMap<>();
        for (String field : fields.getKeys()) {
            hash.put(field, fields.get(field).toString());
        }
        return hash;
    }

    /** Redis's clock, in milliseconds since the epoch. */
    public long timeMillis() {
        Response time = send(Request.cmd(Command.TIME));
        return time.get(0).toLong() * 1000 + time.get(1).toLong() / 1000;
    }

    /** Replaces a key's value, keeping its expiry. */
    public void put(String key, byte[] value) {
        send(Request.cmd(Command.SET).arg(key).arg(value).arg("KEEPTTL"));
    }

    /** Makes a key older by {@code time} on Redis's clock: that much less is left of its lifetime. */
    public void age(String key, Duration time) {
        long leftMs = send(Request.cmd(Command.PTTL).arg(key)).toLong();
        send(Request.cmd(Command.PEXPIRE).arg(key).arg(leftMs - time.toMillis()));
    }

    public void flush() {
        send(Request.cmd(Command.FLUSHALL));
    }

    private Response send(Request request) {
        return client.send(request).await().atMost(Duration.ofSeconds(10));
    }

    /**
     * The server goes first: it is a process of its own and would outlive the tests. Vert.x is
     * closed through its core API: this runs after Quarkus has stopped, when Mutiny's context
     * propagation no longer has a context manager.
     */
    @Override
    public void close() throws IOException {
        server.stop();
        client.close();
        try {
            vertx.getDelegate().close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("Vert.x of the test's Redis client did not close", e);
        }
    }
}

package io.omnivibe.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.omnivibe.testing.Fields;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;

/**
 * A body read ended from two threads at once, its connection failing on the event loop while the
 * attempt is given up on another, gives its share of {@code lookup.upstream.max-bytes-in-flight}
 * back once: the in-flight count is back to 0 after each, never below (each excess release would
 * quietly let more bytes in). Without the lock on both ends this failed within a few hundred rounds.
 */
class BodyReadEndsOnceTest {

    private static final int DECLARED = 64 * 1024;
    private static final int ROUNDS = 1000;

    private static Vertx vertx;
    private static HttpServer server;
    private static HttpClient client;
    private static final ExecutorService otherThread = Executors.newSingleThreadExecutor();

    @BeforeAll
    static void startAnUpstreamThatNeverFinishesItsBody() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(request -> request.response()
                .putHeader("Content-Length", String.valueOf(DECLARED))
                .write(Buffer.buffer(new byte[1024])))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        client = vertx.createHttpClient();
    }

    @AfterAll
    static void stop() throws Exception {
        otherThread.shutdownNow();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aReadEndedByTwoThreadsReleasesItsBudgetOnce() throws Exception {
        UpstreamBodies bodies = new UpstreamBodies(null, DECLARED, 10L * DECLARED);
        AtomicLong inFlight = (AtomicLong) Fields.read(bodies, "bytesInFlight");
        for (int round = 0; round < ROUNDS; round++) {
            BodyRead read = readUnderWay(bodies);
            assertThat(inFlight.get()).as("reserved for the declared length").isEqualTo(DECLARED);

            // Both spin until the other is ready, so that the two ends meet within nanoseconds.
            AtomicInteger ready = new AtomicInteger();
            CompletableFuture<Void> broken = CompletableFuture.runAsync(() -> {
                startTogether(ready);
                read.broken();
            }, otherThread);
            startTogether(ready);
            read.givenUp();
            broken.get(10, TimeUnit.SECONDS);

            assertThat(inFlight.get()).as("bytes in flight after round %d", round).isZero();
        }
    }

    /** A read that has reserved the body's declared length and waits for the rest of it. */
    private static BodyRead readUnderWay(UpstreamBodies bodies) throws Exception {
        CompletableFuture<PendingBody> pending = new CompletableFuture<>();
        client.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/")
                .compose(request -> request.send())
                .onSuccess(response -> {
                    PendingBody body = PendingBody.takeOver(response, DECLARED, InputStream.nullInputStream(),
                            Duration.ofMinutes(1).toMillis());
                    bodies.read(body, null).subscribe().with(document -> {
                    }, failure -> {
                    });
                    pending.complete(body);
                })
                .onFailure(pending::completeExceptionally);
        return (BodyRead) Fields.read(pending.get(10, TimeUnit.SECONDS), "read");
    }

    private static void startTogether(AtomicInteger ready) {
        ready.incrementAndGet();
        while (ready.get() < 2) {
            Thread.onSpinWait();
        }
    }
}

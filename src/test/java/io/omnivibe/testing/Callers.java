package io.omnivibe.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

import io.restassured.RestAssured;

/**
 * Steady traffic: callers that each look up one conversation after another, as fast as the
 * service answers, and remember every answer.
 */
public final class Callers {

    /** One lookup as its caller saw it. */
    public record Answer(long conversationId, int status, boolean stale, Duration took) {
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String inbox;
    private final String contact;
    /** Where the service answers; null: where RestAssured points (the service under @QuarkusTest). */
    private final URI service;

    public Callers(TestConversation identity) {
        this(identity, null);
    }

    /** Callers of the service answering at {@code service} (e.g. a packaged instance's {@code uri("/")}). */
    public Callers(TestConversation identity, URI service) {
        this.inbox = identity.inboxIdentifier();
        this.contact = identity.contactIdentifier();
        this.service = service;
    }

    /** {@code callers} threads look up the conversations {@code next} names until {@code duration} has passed. */
    public List<Answer> run(int callers, Duration duration, LongSupplier next) throws InterruptedException {
        return run(callers, duration, next, answer -> false);
    }

    /** {@link #run} in the background. */
    public CompletableFuture<List<Answer>> runAsync(int callers, Duration duration, LongSupplier next) {
        return runAsyncUntil(callers, duration, next, answer -> false);
    }

    /**
     * {@link #runAsync} that also ends as soon as one answer is {@code last}: traffic that lasts
     * as long as a test needs it, however slowly a busy machine serves it, and not a moment
     * longer (callers answered at once would otherwise keep both cores busy).
     */
    public CompletableFuture<List<Answer>> runAsyncUntil(int callers, Duration atMost, LongSupplier next, Predicate<Answer> last) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return run(callers, atMost, next, last);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        });
    }

    private List<Answer> run(int callers, Duration atMost, LongSupplier next, Predicate<Answer> last) throws InterruptedException {
        List<Answer> answers = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean ended = new AtomicBoolean();
        long endsAt = System.nanoTime() + atMost.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        for (int i = 0; i < callers; i++) {
            pool.execute(() -> {
                while (System.nanoTime() < endsAt && !ended.get()) {
                    Answer answer = lookUp(next.getAsLong());
                    answers.add(answer);
                    if (last.test(answer)) {
                        ended.set(true);
                    }
                }
            });
        }
        pool.shutdown();
        if (!pool.awaitTermination(atMost.toSeconds() + 30, TimeUnit.SECONDS)) {
            pool.shutdownNow();
            throw new IllegalStateException("callers still waiting 30 s after the end of the run");
        }
        return List.copyOf(answers);
    }

    /** A socket error is an answer too, and one no test accepts: status -1. */
    private static Answer socketError(long conversationId, long startedNanos) {
        return new Answer(conversationId, -1, false, Duration.ofNanos(System.nanoTime() - startedNanos));
    }

    public Answer lookUp(long conversationId) {
        String path = "/inboxes/" + inbox + "/contacts/" + contact + "/conversations/" + conversationId;
        URI uri = service == null ? URI.create(RestAssured.baseURI + ":" + RestAssured.port + path) : service.resolve(path);
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(20)).build();
        long started = System.nanoTime();
        try {
            HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
            return new Answer(conversationId, response.statusCode(), response.headers().firstValue("X-Cache").isPresent(),
                    Duration.ofNanos(System.nanoTime() - started));
        } catch (IOException e) {
            return socketError(conversationId, started);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return socketError(conversationId, started);
        }
    }
}

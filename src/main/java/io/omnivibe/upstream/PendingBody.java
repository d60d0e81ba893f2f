package io.omnivibe.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Queue;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;

/**
 * A 200 answer's body not read yet: the connection it arrives on, paused, the length the upstream
 * declared ({@code Content-Length}, -1 when it sent none), and what arrived before
 * {@link UpstreamBodies} began to read it. {@link UpstreamBodyFilter} hands it to
 * {@link OmnivibeConversations} as the REST client's entity. It is never read as a stream: that
 * would block an event loop.
 */
final class PendingBody extends InputStream {

    /** The most taken from the client's own stream: it asks for one chunk, at most 8 KiB, at a time. */
    private static final int LONGEST_TAKEN = 64 * 1024;

    private final HttpClientResponse response;
    private final long declaredLength;
    private final Queue<Buffer> arrivedEarly = new ArrayDeque<>();
    private boolean endedEarly;
    private boolean brokenEarly;

    private PendingBody(HttpClientResponse response, long declaredLength) {
        this.response = response;
        this.declaredLength = declaredLength;
    }

    /**
     * Takes the body from the REST client, whose stream has asked for its first chunk and may hold
     * it (and its end) already: that is taken without waiting (on an event loop its stream refuses
     * to wait), and what arrives later is held here until the read begins.
     */
    static PendingBody takeOver(HttpClientResponse response, long declaredLength, InputStream clientStream) {
        if (!Context.isOnEventLoopThread()) {
            throw new IllegalStateException("an upstream answer was handed on off its event loop");
        }
        PendingBody body = new PendingBody(response, declaredLength);
        response.handler(body::arrivedEarly).endHandler(ignored -> body.endedEarly()).exceptionHandler(ignored -> body.brokenEarly());
        response.pause();
        byte[] chunk = new byte[8 * 1024];
        int taken = 0;
        try {
            for (int read = clientStream.read(chunk); taken < LONGEST_TAKEN; read = clientStream.read(chunk)) {
                if (read < 0) {
                    body.endedEarly();
                    break;
                }
                body.arrivedEarly(Buffer.buffer().appendBytes(chunk, 0, read));
                taken += read;
            }
        } catch (IOException | RuntimeException nothingMoreHeld) {
            // The stream would have to wait for the next chunk: the connection delivers it here instead.
        }
        response.pause();
        return body;
    }

    HttpClientResponse response() {
        return response;
    }

    long declaredLength() {
        return declaredLength;
    }

    /** Hands what arrived early to {@code read} and, unless the body ended early, the connection's next chunks. */
    synchronized void handOver(BodyRead read) {
        response.handler(read::arrived).endHandler(ignored -> read.ended()).exceptionHandler(ignored -> read.broken());
        for (Buffer chunk = arrivedEarly.poll(); chunk != null; chunk = arrivedEarly.poll()) {
            read.arrived(chunk);
        }
        if (brokenEarly) {
            read.broken();
        } else if (endedEarly) {
            read.ended();
        } else {
            response.resume();
        }
    }

    private synchronized void arrivedEarly(Buffer chunk) {
        arrivedEarly.add(chunk);
    }

    private synchronized void endedEarly() {
        endedEarly = true;
    }

    private synchronized void brokenEarly() {
        brokenEarly = true;
    }

    @Override
    public int read() throws IOException {
        throw new IOException("an upstream body is read by UpstreamBodies, not as a stream");
    }
}

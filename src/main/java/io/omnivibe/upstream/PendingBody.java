package io.omnivibe.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Queue;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;

/**
 * A 200 answer's body not read yet: the connection it arrives on, paused, the length the upstream
 * declared ({@code Content-Length}, -1 when it sent none), and what arrived before
 * {@link UpstreamBodies} began to read it. {@link UpstreamBodyFilter} hands it to
 * {@link OmnivibeConversations} as the REST client's entity. It is never read as a stream: that
 * would block an event loop.
 * <p>
 * A body nobody reads would hold its connection paused for ever (Vert.x stops the request's timeout
 * when the answer's head arrives): an attempt given up at the wrong moment drops the answer before
 * the read begins. So a body not read, or still being read, an attempt timeout after its head
 * arrived, is abandoned and its connection closed.
 */
final class PendingBody extends InputStream {

    /** The longest chunk the client's connection delivers ({@code quarkus.rest-client.max-chunk-size}, left at its default). */
    private static final int LONGEST_CHUNK = 8 * 1024;

    private final HttpClientResponse response;
    private final long declaredLength;
    private final Queue<Buffer> arrivedEarly = new ArrayDeque<>();
    private Vertx vertx;
    private long abandonTimer;
    private boolean endedEarly;
    private boolean brokenEarly;
    private boolean abandoned;
    private BodyRead read;

    private PendingBody(HttpClientResponse response, long declaredLength) {
        this.response = response;
        this.declaredLength = declaredLength;
    }

    /**
     * Takes the body from the REST client, whose stream has asked for the first chunk and may hold
     * it (and the end) already: that chunk is taken, and what arrives later is held here until the
     * read begins. The stream says how much it holds ({@code available()}), but with nothing held it
     * says the declared length instead, and a read with nothing held throws (on an event loop the
     * stream refuses to wait), a stack trace filled in at every lookup: so it is read only when it
     * must hold a chunk, or when a short body's length and a held chunk's cannot be told apart.
     */
    static PendingBody takeOver(HttpClientResponse response, long declaredLength, InputStream clientStream, long abandonAfterMs) {
        Context context = Vertx.currentContext();
        if (context == null || !Context.isOnEventLoopThread()) {
            throw new IllegalStateException("an upstream answer was handed on off its event loop");
        }
        PendingBody body = new PendingBody(response, declaredLength);
        if (declaredLength == 0) {
            // Nothing to read, and the client's stream may have taken the end already.
            body.endedEarly = true;
            return body;
        }
        response.handler(body::arrivedEarly).endHandler(ignored -> body.endedEarly()).exceptionHandler(ignored -> body.brokenEarly());
        response.pause();
        try {
            int held = clientStream.available();
            boolean mayHoldAChunk = declaredLength < 0 ? held > 0 : held < declaredLength || declaredLength <= LONGEST_CHUNK;
            if (mayHoldAChunk && held > 0) {
                byte[] chunk = new byte[held];
                int read = clientStream.read(chunk, 0, held);
                if (read < 0) {
                    body.endedEarly();
                } else {
                    body.arrivedEarly(Buffer.buffer(read == held ? chunk : Arrays.copyOf(chunk, read)));
                }
            }
        } catch (IOException broken) {
            body.brokenEarly();
        } catch (RuntimeException nothingHeld) {
            // The stream held nothing: the connection delivers the first chunk here instead.
        }
        // Reading the client's stream asked the connection for its next chunk.
        response.pause();
        body.vertx = context.owner();
        body.abandonTimer = body.vertx.setTimer(abandonAfterMs, ignored -> body.abandon());
        return body;
    }

    long declaredLength() {
        return declaredLength;
    }

    /**
     * Hands what arrived early to {@code read} and, unless the body ended early, the connection's
     * next chunks; false when the body was abandoned first (its connection is closed).
     */
    synchronized boolean handOver(BodyRead read) {
        if (abandoned) {
            return false;
        }
        this.read = read;
        if (endedEarly && arrivedEarly.isEmpty()) {
            read.ended();
            return true;
        }
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
        return true;
    }

    /** The read has ended: nothing is left to abandon. */
    void readEnded() {
        if (vertx != null) {
            vertx.cancelTimer(abandonTimer);
        }
    }

    /** Nobody reads this body any more: a read under way is given up, and the connection closed. */
    void abandon() {
        BodyRead reading;
        synchronized (this) {
            if (abandoned) {
                return;
            }
            abandoned = true;
            reading = read;
        }
        if (reading != null) {
            reading.givenUp();
        } else {
            closeConnection();
        }
    }

    /** Closes the body's connection: what is left of the body is never drained. */
    void closeConnection() {
        response.request().connection().close();
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

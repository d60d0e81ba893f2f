package io.omnivibe.upstream;

import java.util.Arrays;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;

/**
 * One 200 body read as it arrives, into one array. While the bytes are those of the last good
 * copy they are only compared, not kept; at the first difference that copy's prefix goes into
 * the array and the rest follows. The read ends with the body's end, or at once, with its
 * connection closed rather than drained, when the body passes its bound, does not fit the budget,
 * or the attempt is given up (its timeout).
 * <p>
 * The body's chunks arrive on its connection's event loop; the attempt may be given up on another
 * thread, hence the lock (uncontended but for that moment).
 */
final class BodyRead {

    /** The first array for a body of undeclared length; it doubles as the body grows. */
    private static final int FIRST_CAPACITY = 16 * 1024;

    private final PendingBody body;
    private final HttpClientResponse response;
    private final byte[] lastGood;
    private final UpstreamBodies bodies;
    private final UniEmitter<? super ConversationDocument> emitter;
    private final long maxBytes;
    /** Still the same bytes as {@link #lastGood}, none kept yet. */
    private boolean sameAsLastGood;
    private byte[] kept;
    private long received;
    /** Bytes of the budget this read holds: the kept array's length. */
    private long reserved;
    private boolean ended;

    BodyRead(PendingBody body, byte[] lastGood, UpstreamBodies bodies, UniEmitter<? super ConversationDocument> emitter) {
        this.body = body;
        this.response = body.response();
        this.lastGood = lastGood;
        this.bodies = bodies;
        this.emitter = emitter;
        this.maxBytes = bodies.maxBodyBytes();
    }

    synchronized void start() {
        emitter.onTermination(this::givenUp);
        long declared = body.declaredLength();
        sameAsLastGood = lastGood != null && (declared < 0 || declared == lastGood.length);
        if (!sameAsLastGood && !keep(declared >= 0 ? (int) declared : FIRST_CAPACITY)) {
            return;
        }
        body.handOver(this);
    }

    synchronized void arrived(Buffer chunk) {
        if (ended) {
            return;
        }
        int length = chunk.length();
        long total = received + length;
        if (total > maxBytes) {
            end(new UpstreamBodyTooLargeException(maxBytes));
            return;
        }
        if (sameAsLastGood) {
            if (total <= lastGood.length && sameBytes(chunk.getByteBuf(), (int) received)) {
                received = total;
                return;
            }
            sameAsLastGood = false;
            int declared = (int) body.declaredLength();
            if (!keep(declared >= 0 ? declared : capacityFor(total))) {
                return;
            }
            System.arraycopy(lastGood, 0, kept, 0, (int) received);
        }
        if (total > kept.length && !keep(capacityFor(total))) {
            return;
        }
        chunk.getBytes(0, length, kept, (int) received);
        received = total;
    }

    private boolean sameBytes(ByteBuf chunk, int offset) {
        return ByteBufUtil.equals(chunk, chunk.readerIndex(), Unpooled.wrappedBuffer(lastGood), offset, chunk.readableBytes());
    }

    /** Room for at least {@code total} bytes: the array doubles, up to the bound. */
    private int capacityFor(long total) {
        long doubled = Math.max(FIRST_CAPACITY, (kept == null ? 0 : (long) kept.length) * 2);
        return (int) Math.min(maxBytes, Math.max(total, doubled));
    }

    /** Moves what is kept into an array of {@code capacity} bytes, charged to the budget; false, the read ended, when it does not fit. */
    private boolean keep(int capacity) {
        if (!bodies.reserve(capacity)) {
            end(new BodyBudgetSpentException());
            return false;
        }
        byte[] larger = kept == null ? new byte[capacity] : Arrays.copyOf(kept, capacity);
        bodies.release(reserved);
        reserved = capacity;
        kept = larger;
        return true;
    }

    synchronized void ended() {
        if (ended) {
            return;
        }
        ended = true;
        try {
            ConversationDocument document;
            if (sameAsLastGood && received == lastGood.length) {
                document = new ConversationDocument(lastGood, true);
            } else {
                byte[] json = sameAsLastGood ? Arrays.copyOf(lastGood, (int) received)
                        : received == kept.length ? kept : Arrays.copyOf(kept, (int) received);
                document = bodies.reader().read(json, null);
            }
            releaseBudget();
            emitter.complete(document);
        } catch (UpstreamException unreadable) {
            releaseBudget();
            emitter.fail(unreadable);
        }
    }

    synchronized void broken() {
        if (!ended) {
            end(new UpstreamTransportException("upstream connection failed or its answer was cut off"));
        }
    }

    /** The attempt was given up (or has ended: then nothing is left to do). */
    private synchronized void givenUp() {
        if (!ended) {
            ended = true;
            response.request().connection().close();
            releaseBudget();
        }
    }

    /** Ends the read before the body's end: its connection is closed, not drained. */
    private void end(UpstreamException failure) {
        ended = true;
        response.request().connection().close();
        releaseBudget();
        emitter.fail(failure);
    }

    private void releaseBudget() {
        bodies.release(reserved);
        reserved = 0;
    }
}

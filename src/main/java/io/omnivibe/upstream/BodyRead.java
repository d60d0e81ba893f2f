package io.omnivibe.upstream;

import java.util.Arrays;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.buffer.Buffer;

/**
 * One 200 body read as it arrives, into one array. While the bytes are those of the last good
 * copy they are only compared, not kept; at the first difference that copy's prefix goes into
 * the array and the rest follows. The read ends with the body's end, or at once, with its
 * connection closed rather than drained, when the body passes its bound, does not fit the budget,
 * or the attempt is given up (its timeout cancels the read).
 * <p>
 * The body's chunks arrive on its connection's event loop; the attempt may be given up on another
 * thread, hence the lock. The outcome is handed on after the lock is let go: what follows a
 * lookup's answer (the stale store, the next lookup the bulkhead lets in) must not hold it.
 */
final class BodyRead {

    /** The first array for a body of undeclared length; it doubles as the body grows. */
    private static final int FIRST_CAPACITY = 16 * 1024;

    /** How the read ended: a document or a failure, handed on once. */
    private record Outcome(ConversationDocument document, Throwable failure) {
    }

    private final PendingBody body;
    private final byte[] lastGood;
    private final UpstreamBodies bodies;
    private final UniEmitter<? super ConversationDocument> emitter;
    private final long maxBytes;
    /** Still the same bytes as {@link #lastGood}, none kept yet. */
    private boolean sameAsLastGood;
    private byte[] kept;
    private long received;
    /** Bytes of the budget this read holds. */
    private long reserved;
    private boolean ended;

    BodyRead(PendingBody body, byte[] lastGood, UpstreamBodies bodies, UniEmitter<? super ConversationDocument> emitter) {
        this.body = body;
        this.lastGood = lastGood;
        this.bodies = bodies;
        this.emitter = emitter;
        this.maxBytes = bodies.maxBodyBytes();
    }

    void start() {
        emitter.onTermination(this::givenUp);
        Outcome refused = prepare();
        if (refused != null) {
            handOn(refused);
        } else if (!hasEnded() && !body.handOver(this)) {
            // Abandoned before the read began: its connection is closed already.
            givenUp();
        }
    }

    private synchronized boolean hasEnded() {
        return ended;
    }

    private synchronized Outcome prepare() {
        if (ended) {
            // Given up before it began.
            return null;
        }
        long declared = body.declaredLength();
        sameAsLastGood = lastGood != null && (declared < 0 || declared == lastGood.length);
        return sameAsLastGood ? null : keep(declared >= 0 ? (int) declared : FIRST_CAPACITY);
    }

    void arrived(Buffer chunk) {
        handOn(take(chunk));
    }

    void ended() {
        handOn(finish());
    }

    void broken() {
        handOn(endEarly(new UpstreamTransportException("upstream connection failed or its answer was cut off")));
    }

    /** The attempt was given up, or the read has ended (then there is nothing left to do). */
    void givenUp() {
        boolean underWay;
        synchronized (this) {
            underWay = !ended;
            ended = true;
            releaseBudget();
        }
        if (underWay) {
            body.closeConnection();
            body.readEnded();
        }
    }

    private synchronized Outcome take(Buffer chunk) {
        if (ended) {
            return null;
        }
        int length = chunk.length();
        long total = received + length;
        if (total > maxBytes) {
            return endEarly(new UpstreamBodyTooLargeException(maxBytes));
        }
        if (sameAsLastGood) {
            if (total <= lastGood.length && sameBytes(chunk.getByteBuf(), (int) received)) {
                received = total;
                return null;
            }
            sameAsLastGood = false;
            long declared = body.declaredLength();
            Outcome refused = keep(declared >= 0 ? (int) declared : capacityFor(total));
            if (refused != null) {
                return refused;
            }
            System.arraycopy(lastGood, 0, kept, 0, (int) received);
        }
        if (total > kept.length) {
            Outcome refused = keep(capacityFor(total));
            if (refused != null) {
                return refused;
            }
        }
        chunk.getBytes(0, length, kept, (int) received);
        received = total;
        return null;
    }

    private boolean sameBytes(ByteBuf chunk, int offset) {
        return ByteBufUtil.equals(chunk, chunk.readerIndex(), Unpooled.wrappedBuffer(lastGood), offset, chunk.readableBytes());
    }

    /** Room for at least {@code total} bytes: the array doubles, up to the bound. */
    private int capacityFor(long total) {
        long doubled = Math.max(FIRST_CAPACITY, (kept == null ? 0 : (long) kept.length) * 2);
        return (int) Math.min(maxBytes, Math.max(total, doubled));
    }

    /**
     * Moves what is kept into an array of {@code capacity} bytes; both arrays are charged to the
     * budget while the bytes move. Null when it fits, else the refusal that ended the read.
     */
    private Outcome keep(int capacity) {
        if (!bodies.reserve(capacity)) {
            return endEarly(new BodyBudgetSpentException());
        }
        reserved += capacity;
        byte[] larger = kept == null ? new byte[capacity] : Arrays.copyOf(kept, capacity);
        if (kept != null) {
            bodies.release(kept.length);
            reserved -= kept.length;
        }
        kept = larger;
        return null;
    }

    private synchronized Outcome finish() {
        if (ended) {
            return null;
        }
        try {
            if (sameAsLastGood && received == lastGood.length) {
                return new Outcome(new ConversationDocument(lastGood, true, DocumentIds.NONE), null);
            }
            byte[] json;
            if (sameAsLastGood) {
                json = Arrays.copyOf(lastGood, (int) received);
            } else if (received == kept.length) {
                json = kept;
            } else {
                // An undeclared length: the array is trimmed to the body, the copy charged too.
                if (!bodies.reserve(received)) {
                    return endEarly(new BodyBudgetSpentException());
                }
                reserved += received;
                json = Arrays.copyOf(kept, (int) received);
            }
            return new Outcome(bodies.reader().read(json), null);
        } catch (RuntimeException unreadable) {
            return new Outcome(null, unreadable);
        } finally {
            ended = true;
            releaseBudget();
        }
    }

    /**
     * Ends the read before the body's end, unless it has ended: its connection is closed, not
     * drained. Under the lock, as every end: the connection may fail on its event loop while the
     * attempt is given up on another thread, and the budget must be released once.
     */
    private synchronized Outcome endEarly(UpstreamException failure) {
        if (ended) {
            return null;
        }
        ended = true;
        releaseBudget();
        body.closeConnection();
        return new Outcome(null, failure);
    }

    private void releaseBudget() {
        bodies.release(reserved);
        reserved = 0;
    }

    /** Hands the outcome on, outside the lock. */
    private void handOn(Outcome outcome) {
        if (outcome == null) {
            return;
        }
        body.readEnded();
        if (outcome.failure() == null) {
            emitter.complete(outcome.document());
        } else {
            emitter.fail(outcome.failure());
        }
    }
}

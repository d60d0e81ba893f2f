package io.omnivibe.upstream;

import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;

/**
 * Reads 200 bodies within two bounds, so that no conversation, however large, and no body that
 * never ends, can take the process's memory: each body at most {@code lookup.upstream.max-body-bytes}
 * ({@link UpstreamBodyTooLargeException}), and all bodies being read at once at most
 * {@code lookup.upstream.max-bytes-in-flight} ({@link BodyBudgetSpentException}). A body is
 * charged for the array it is read into, when that array is allocated: before its first byte when
 * the upstream declared its length, as it grows otherwise.
 */
@ApplicationScoped
// Built while the service starts: its settings are stated in the log before the first lookup.
@Startup
public class UpstreamBodies {

    private static final Logger LOG = Logger.getLogger(UpstreamBodies.class);

    private final ConversationReader reader;
    private final long maxBodyBytes;
    private final long maxBytesInFlight;
    private final AtomicLong bytesInFlight = new AtomicLong();

    @Inject
    UpstreamBodies(ConversationReader reader, @ConfigProperty(name = "lookup.upstream.max-body-bytes") long maxBodyBytes,
            @ConfigProperty(name = "lookup.upstream.max-bytes-in-flight") OptionalLong maxBytesInFlight, MeterRegistry registry) {
        this(reader, maxBodyBytes, maxBytesInFlight.orElse(defaultBytesInFlight()));
        Gauge.builder("omnivibe.upstream.bodies.in.flight", bytesInFlight, AtomicLong::get)
                .description("Bytes held by upstream bodies being read (at most lookup.upstream.max-bytes-in-flight)")
                .baseUnit("bytes")
                .register(registry);
        LOG.infof("Upstream bodies: each at most %d bytes (lookup.upstream.max-body-bytes), %d bytes being read at once"
                + " (lookup.upstream.max-bytes-in-flight%s)", this.maxBodyBytes, this.maxBytesInFlight,
                maxBytesInFlight.isPresent() ? "" : ", a quarter of the maximum heap");
    }

    UpstreamBodies(ConversationReader reader, long maxBodyBytes, long maxBytesInFlight) {
        this.reader = reader;
        this.maxBodyBytes = maxBodyBytes;
        this.maxBytesInFlight = maxBytesInFlight;
    }

    /** What {@code lookup.upstream.max-bytes-in-flight} is when unset, as config.LookupPolicy says: a quarter of the maximum heap. */
    private static long defaultBytesInFlight() {
        return Runtime.getRuntime().maxMemory() / 4;
    }

    /**
     * Reads {@code body} to its end and checks it ({@link ConversationReader}). {@code lastGood}:
     * the last good body of this conversation, or null; a body that arrives the same byte for
     * byte is neither copied nor checked, and the document holds {@code lastGood}.
     */
    Uni<ConversationDocument> read(PendingBody body, byte[] lastGood) {
        if (body.declaredLength() > maxBodyBytes) {
            body.abandon();
            return Uni.createFrom().failure(new UpstreamBodyTooLargeException(maxBodyBytes));
        }
        return Uni.createFrom().emitter(emitter -> new BodyRead(body, lastGood, this, emitter).start());
    }

    long maxBodyBytes() {
        return maxBodyBytes;
    }

    ConversationReader reader() {
        return reader;
    }

    /** Takes {@code bytes} of the budget; false, and nothing taken, when they do not fit. */
    boolean reserve(long bytes) {
        long now;
        do {
            now = bytesInFlight.get();
            if (now + bytes > maxBytesInFlight) {
                return false;
            }
        } while (!bytesInFlight.compareAndSet(now, now + bytes));
        return true;
    }

    void release(long bytes) {
        bytesInFlight.addAndGet(-bytes);
    }
}

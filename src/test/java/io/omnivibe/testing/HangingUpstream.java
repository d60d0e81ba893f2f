package io.omnivibe.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * An upstream that accepts every connection and never answers, counting how many requests are
 * in flight at once: each unanswered request holds its own connection until the caller gives up.
 */
public class HangingUpstream implements QuarkusTestResourceLifecycleManager {

    /** What the test reads: requests in flight now, and the most there ever were at once. */
    public static final class InFlight {
        private final AtomicInteger now = new AtomicInteger();
        private final AtomicInteger most = new AtomicInteger();

        void opened() {
            most.accumulateAndGet(now.incrementAndGet(), Math::max);
        }

        void closed() {
            now.decrementAndGet();
        }

        public int now() {
            return now.get();
        }

        public int most() {
            return most.get();
        }
    }

    private final InFlight inFlight = new InFlight();
    private ServerSocket server;
    private ExecutorService connections;

    @Override
    public Map<String, String> start() {
        try {
            server = new ServerSocket(0, 1000, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        connections = Executors.newCachedThreadPool();
        connections.execute(this::acceptForever);
        return Map.of("omnivibe.base-url", "http://127.0.0.1:" + server.getLocalPort());
    }

    private void acceptForever() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                connections.execute(() -> holdUntilClosed(socket));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void holdUntilClosed(Socket socket) {
        inFlight.opened();
        try (socket; InputStream in = socket.getInputStream()) {
            byte[] buffer = new byte[4096];
            while (in.read(buffer) >= 0) {
                // Read and drop the request; never answer.
            }
        } catch (IOException reset) {
            // The caller gave up on us: that is the point.
        } finally {
            inFlight.closed();
        }
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(inFlight, new TestInjector.MatchesType(InFlight.class));
    }

    @Override
    public void stop() {
        try {
            server.close();
        } catch (IOException ignored) {
            // Closing is best effort at the end of the run.
        }
        connections.shutdownNow();
    }
}

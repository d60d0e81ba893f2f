package io.omnivibe.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import io.omnivibe.testing.PackagedService;

/**
 * A process that ran out of memory does not keep its place: the packaged service (JVM or native)
 * in a small heap, asked for a conversation far larger than that heap, ends with exit code 3 and
 * one FATAL line, so that its platform replaces it, instead of answering 500 or hanging forever.
 */
class FatalErrorIT {

    private static final long HUGE = 160L * 1024 * 1024;

    private HttpServer upstream;

    /** An upstream whose conversation is a JSON object of 160 MB, streamed as fast as it is read. */
    @BeforeEach
    void upstreamWithAHugeConversation() throws IOException {
        upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        upstream.setExecutor(Executors.newCachedThreadPool());
        upstream.createContext("/public/api/v1/inboxes/", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, HUGE);
            byte[] spaces = new byte[64 * 1024];
            Arrays.fill(spaces, (byte) ' ');
            try (OutputStream body = exchange.getResponseBody()) {
                body.write('{');
                for (long written = 2; written < HUGE; written += spaces.length) {
                    body.write(spaces, 0, (int) Math.min(spaces.length, HUGE - written));
                }
                body.write('}');
            } catch (IOException readerWentAway) {
                // the service ended while reading
            }
        });
        upstream.start();
    }

    @AfterEach
    void stopUpstream() {
        upstream.stop(0);
    }

    @Test
    void endsTheProcessOnOutOfMemoryError() throws Exception {
        try (PackagedService service = PackagedService.start(List.of("-Xmx64m"), Map.of("OMNIVIBE_BASE_URL", "http://127.0.0.1:" + upstream.getAddress().getPort()))) {
            try {
                service.get("/inboxes/huge/contacts/huge/conversations/1");
            } catch (IOException connectionClosedByTheExit) {
                // expected: the process ends while the lookup waits
            }

            assertThat(service.exitsWithin(Duration.ofSeconds(60))).as("the process exits on its own: %s", service.console()).isTrue();
            assertThat(service.exitValue()).isEqualTo(FatalErrors.EXIT_CODE);
            assertThat(service.console()).containsPattern("FATAL .*OutOfMemoryError: the process can no longer be trusted"
                    + " and exits with code 3 so that it is replaced");
        }
    }
}

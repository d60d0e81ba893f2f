package io.omnivibe.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import io.omnivibe.testing.Bodies;
import io.omnivibe.testing.PackagedService;

/**
 * A process that ran out of memory does not keep its place: the packaged service (JVM or native)
 * in a small heap ends with exit code 3 and one FATAL line, so that its platform replaces it,
 * instead of answering 500 or hanging forever. Upstream bodies are bounded (HostileBodiesIT); what
 * runs it out of memory here is the one thing not bounded in bytes: answers written to callers
 * that never read them, each holding its conversation (under the body bound) until it is sent.
 */
class FatalErrorIT {

    /** About 7.5 MB: under the 8 MiB body bound, so that every lookup is answered. */
    private static final int CONVERSATION_BYTES = 6 * 1024 * 1024;
    private static final int MOST_CALLERS = 200;

    private HttpServer upstream;

    /** An upstream whose every conversation is the same large, valid JSON object. */
    @BeforeEach
    void upstreamWithLargeConversations() throws IOException {
        byte[] conversation = Bodies.largeConversation(CONVERSATION_BYTES);
        upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        upstream.setExecutor(Executors.newCachedThreadPool());
        upstream.createContext("/public/api/v1/inboxes/", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, conversation.length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(conversation);
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
        List<Socket> callers = new ArrayList<>();
        try (PackagedService service = PackagedService.start(List.of("-Xmx64m"), Map.of("OMNIVIBE_BASE_URL", "http://127.0.0.1:" + upstream.getAddress().getPort()))) {
            for (int conversation = 1; conversation <= MOST_CALLERS && service.isAlive(); conversation++) {
                callers.add(askWithoutReading(service, conversation));
                // One caller at a time: each lookup is answered (its answer held) before the next is asked.
                int answered = conversation;
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                        .until(() -> !service.isAlive() || freshLookups(service) >= answered);
            }

            assertThat(service.exitsWithin(Duration.ofSeconds(60))).as("the process exits on its own: %s", service.console()).isTrue();
            assertThat(service.exitValue()).isEqualTo(FatalErrors.EXIT_CODE);
            assertThat(service.console()).containsPattern("FATAL .*OutOfMemoryError: the process can no longer be trusted"
                    + " and exits with code 3 so that it is replaced");
        } finally {
            for (Socket caller : callers) {
                caller.close();
            }
        }
    }

    private static double freshLookups(PackagedService service) throws Exception {
        return new String(service.management("/q/metrics").body(), StandardCharsets.UTF_8).lines()
                .filter(line -> line.startsWith("omnivibe_lookups_seconds_count{outcome=\"fresh\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    /** Asks for a conversation on a connection of its own and never reads the answer. */
    private static Socket askWithoutReading(PackagedService service, int conversation) throws IOException {
        Socket caller = new Socket();
        caller.setReceiveBufferSize(4096);
        try {
            caller.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), service.uri("/").getPort()), 5000);
            caller.getOutputStream().write(("GET /inboxes/huge/contacts/huge/conversations/" + conversation
                    + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException refused) {
            // The process has ended, or is ending.
        }
        return caller;
    }
}

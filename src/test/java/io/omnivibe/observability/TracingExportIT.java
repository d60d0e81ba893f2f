package io.omnivibe.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.sun.net.httpserver.HttpServer;

import io.omnivibe.testing.Bodies;
import io.omnivibe.testing.PackagedService;

/**
 * Tracing is switched on at run time, on the packaged service, by naming an OTLP endpoint: spans
 * reach a real OTLP/HTTP receiver, named by route template and free of identifiers.
 */
@Tag("load")
class TracingExportIT {

    private static final String INBOX = "Tr4cEdInb0xT0k3nQw8ErTy";
    private static final String CONTACT = "tracing.contact+secret@example.com";
    private static final String LOOKUP = "/inboxes/" + INBOX + "/contacts/" + CONTACT.replace("+", "%2B") + "/conversations/7";

    private WireMockServer upstream;
    private HttpServer collector;
    private final List<byte[]> exports = new CopyOnWriteArrayList<>();

    @BeforeEach
    void upstreamAndCollector() throws IOException {
        upstream = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        upstream.start();
        upstream.stubFor(get(urlPathMatching("/public/api/v1/inboxes/.*")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(Bodies.resource("example.json"))));
        collector = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        collector.createContext("/v1/traces", exchange -> {
            exports.add(exchange.getRequestBody().readAllBytes());
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
    }

    @AfterEach
    void stop() {
        if (upstream != null) {
            upstream.stop();
        }
        if (collector != null) {
            collector.stop(0);
        }
    }

    @Test
    void exportsLookupAndAttemptSpansWithoutIdentifiersOnceAnEndpointIsNamed() throws Exception {
        Map<String, String> environment = Map.of("OMNIVIBE_BASE_URL", upstream.baseUrl(),
                "QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + collector.getAddress().getPort(),
                "QUARKUS_OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        try (PackagedService service = PackagedService.start(List.of(), environment)) {
            assertThat(service.get(LOOKUP).statusCode()).isEqualTo(200);

            await().atMost(Duration.ofSeconds(20)).until(() -> spans().contains("omnivibe upstream attempt")
                    && spans().contains("GET /inboxes/{inbox_identifier}/contacts/{contact_identifier}/conversations/{conversation_id}"));
            assertThat(spans()).doesNotContain(INBOX).doesNotContain(CONTACT).doesNotContain("tracing.contact");
        }
    }

    @Test
    void exportsNothingAndWaitsOnNothingWithoutAnEndpoint() throws Exception {
        // Where the exporter would send by default (OTLP/gRPC on localhost): any connection there is an export.
        ServerSocket defaultCollector;
        try {
            defaultCollector = new ServerSocket(4317, 50, InetAddress.getLoopbackAddress());
        } catch (IOException inUse) {
            assumeTrue(false, "port 4317 is in use on this machine");
            return;
        }
        AtomicInteger connections = new AtomicInteger();
        Thread acceptor = new Thread(() -> {
            while (!defaultCollector.isClosed()) {
                try (Socket ignored = defaultCollector.accept()) {
                    connections.incrementAndGet();
                } catch (IOException closed) {
                    return;
                }
            }
        });
        acceptor.start();
        try (defaultCollector; PackagedService service = PackagedService.start(List.of(), Map.of("OMNIVIBE_BASE_URL", upstream.baseUrl()))) {
            for (int i = 0; i < 5; i++) {
                long started = System.nanoTime();
                assertThat(service.get(LOOKUP).statusCode()).isEqualTo(200);
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
            }
            // Spans are batched for up to 5 s before an export.
            await().during(Duration.ofSeconds(7)).atMost(Duration.ofSeconds(10)).until(() -> connections.get() == 0);
        }
    }

    /** The exported protobuf payloads; span names and attribute values are UTF-8 strings inside them. */
    private String spans() {
        StringBuilder all = new StringBuilder();
        exports.forEach(export -> all.append(new String(export, StandardCharsets.UTF_8)));
        return all.toString();
    }
}

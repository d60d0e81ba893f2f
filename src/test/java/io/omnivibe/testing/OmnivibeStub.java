package io.omnivibe.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real HTTP server standing in for Omnivibe, on a free loopback port. Tests get it through
 * {@link InjectOmnivibeStub} and script its answers per test.
 */
public class OmnivibeStub implements QuarkusTestResourceLifecycleManager {

    private WireMockServer server;

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(configuration());
        server.start();
        return Map.of("omnivibe.base-url", server.baseUrl());
    }

    protected WireMockConfiguration configuration() {
        return options()
                .bindAddress("127.0.0.1")
                .dynamicPort()
                // Hanging answers must not hold the threads that serve and count the others.
                .containerThreads(300)
                .asynchronousResponseEnabled(true)
                .asynchronousResponseThreads(300);
    }

    /** The upstream's 200 for {@code conversation}: {@code body}, as JSON. */
    public static MappingBuilder answering(TestConversation conversation, byte[] body) {
        return get(urlPathEqualTo(conversation.upstreamPath())).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json; charset=utf-8").withBody(body));
    }

    /** The upstream without {@code conversation}: Chatwoot's 404. */
    public static MappingBuilder missing(TestConversation conversation) {
        return get(urlPathEqualTo(conversation.upstreamPath())).willReturn(notFound());
    }

    /** The upstream's 404, as Chatwoot writes it: JSON. */
    public static ResponseDefinitionBuilder notFound() {
        return aResponse().withStatus(404).withHeader("Content-Type", "application/json; charset=utf-8")
                .withBody("{\"status\":404,\"error\":\"Not Found\"}");
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(server,
                new TestInjector.AnnotatedAndMatchesType(InjectOmnivibeStub.class, WireMockServer.class));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}

package io.omnivibe.lookup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.omnivibe.testing.Bodies;
import io.omnivibe.testing.InjectOmnivibeStub;
import io.omnivibe.testing.Metrics;
import io.omnivibe.testing.OmnivibeStub;
import io.omnivibe.testing.PatientAttempts;
import io.omnivibe.testing.TestConversation;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;

/** Identical lookups in flight share one upstream call; different contacts never do. */
@QuarkusTest
@WithTestResource(OmnivibeStub.class)
@TestProfile(PatientAttempts.class)
class CoalescingTest {

    private static final int LOOKUPS = 50;
    /** Long enough for every lookup to arrive while the first call is on its way, within one attempt. */
    private static final int UPSTREAM_DELAY_MS = 1_500;

    @InjectOmnivibeStub
    WireMockServer upstream;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void resetUpstream() {
        upstream.resetAll();
    }

    private void upstreamAnswersSlowly(String pathPattern, byte[] body) {
        upstream.stubFor(get(urlPathMatching(pathPattern)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(body).withFixedDelay(UPSTREAM_DELAY_MS)));
    }

    private CompletableFuture<HttpResponse<byte[]>> lookUp(String path, Duration timeout) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(RestAssured.baseURI + ":" + RestAssured.port + path))
                .timeout(timeout).build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    private static List<HttpResponse<byte[]>> answers(List<CompletableFuture<HttpResponse<byte[]>>> lookups) throws Exception {
        CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        return lookups.stream().map(CompletableFuture::join).toList();
    }

    @Test
    void identicalLookupsInFlightShareOneCallAndItsBytes() throws Exception {
        TestConversation conversation = TestConversation.fresh();
        byte[] body = Bodies.resource("example.json");
        upstreamAnswersSlowly(conversation.upstreamPath(), body);
        double joinedBefore = Metrics.value("omnivibe_lookups_coalesced_total");

        List<CompletableFuture<HttpResponse<byte[]>>> lookups = new ArrayList<>();
        for (int i = 0; i < LOOKUPS; i++) {
            lookups.add(lookUp(conversation.lookupPath(), Duration.ofSeconds(20)));
        }

        List<HttpResponse<byte[]>> answers = answers(lookups);
        assertThat(answers).allSatisfy(answer -> {
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo(body);
        });
        assertThat(answers.stream().map(answer -> answer.headers().firstValue("ETag").orElseThrow()).distinct()).hasSize(1);
        upstream.verify(1, getRequestedFor(urlPathEqualTo(conversation.upstreamPath())));
        assertThat(Metrics.value("omnivibe_lookups_coalesced_total")).isEqualTo(joinedBefore + LOOKUPS - 1);
    }

    @Test
    void differentContactsNeverShareACall() throws Exception {
        TestConversation template = TestConversation.fresh();
        String inboxPath = "/public/api/v1/inboxes/" + template.inboxIdentifier() + "/contacts/";
        upstreamAnswersSlowly(inboxPath + ".*", Bodies.resource("example.json"));

        List<CompletableFuture<HttpResponse<byte[]>>> lookups = new ArrayList<>();
        for (int i = 0; i < LOOKUPS; i++) {
            TestConversation conversation = new TestConversation(template.inboxIdentifier(), "contact-" + i, template.conversationId());
            lookups.add(lookUp(conversation.lookupPath(), Duration.ofSeconds(20)));
        }

        assertThat(answers(lookups)).allSatisfy(answer -> assertThat(answer.statusCode()).isEqualTo(200));
        for (int i = 0; i < LOOKUPS; i++) {
            upstream.verify(1, getRequestedFor(urlPathEqualTo(inboxPath + "contact-" + i + "/conversations/" + template.conversationId())));
        }
    }

    @Test
    void aCallerWhoGoesAwayDoesNotCancelTheCallForTheOthers() throws Exception {
        TestConversation conversation = TestConversation.fresh();
        byte[] body = Bodies.resource("example.json");
        upstreamAnswersSlowly(conversation.upstreamPath(), body);

        // The caller whose lookup makes the call gives up long before the upstream answers.
        CompletableFuture<HttpResponse<byte[]>> impatient = lookUp(conversation.lookupPath(), Duration.ofMillis(300));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> upstream.countRequestsMatching(getRequestedFor(urlPathEqualTo(conversation.upstreamPath())).build())
                        .getCount() == 1);
        List<CompletableFuture<HttpResponse<byte[]>>> patient = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            patient.add(lookUp(conversation.lookupPath(), Duration.ofSeconds(20)));
        }

        assertThat(answers(patient)).allSatisfy(answer -> {
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo(body);
        });
        assertThatThrownBy(impatient::get).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(HttpTimeoutException.class);
        upstream.verify(1, getRequestedFor(urlPathEqualTo(conversation.upstreamPath())));
    }
}

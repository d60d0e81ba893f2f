package io.omnivibe.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;

import static io.restassured.RestAssured.given;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.omnivibe.testing.Bodies;
import io.omnivibe.testing.InjectOmnivibeStub;
import io.omnivibe.testing.Management;
import io.omnivibe.testing.OddRedis;
import io.omnivibe.testing.OmnivibeStub;
import io.omnivibe.testing.TestConversation;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A Redis-compatible server that answers the cap's script with something the script never
 * returns: the lease cannot be read, the store is taken as not working, and every lookup gets its
 * permit from the offline allowance, instead of the instance waiting for ever on a lease that
 * never comes.
 */
@QuarkusTest
@WithTestResource(OmnivibeStub.class)
@WithTestResource(OddRedis.class)
class UnreadableLeaseTest {

    @InjectOmnivibeStub
    WireMockServer upstream;

    @Test
    void aLeaseThatCannotBeReadStillLeavesEveryLookupAPermit() {
        upstream.resetAll();
        for (int lookup = 1; lookup <= 3; lookup++) {
            TestConversation conversation = TestConversation.fresh();
            upstream.stubFor(OmnivibeStub.answering(conversation, Bodies.resource("example.json")));
            given().when().get(conversation.lookupPath()).then().statusCode(200);
        }

        assertThat(upstream.countRequestsMatching(anyRequestedFor(anyUrl()).build()).getCount()).isEqualTo(3);
        assertThat(OddRedis.scriptsSent()).isPositive();
        Management.given().when().get("/q/health/ready")
                .then().body("checks.find { it.name == 'omnivibe-shared-store' }.data.state", equalTo("unreachable"));
    }
}

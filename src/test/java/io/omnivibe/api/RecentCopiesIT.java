package io.omnivibe.api;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusIntegrationTest;

@QuarkusIntegrationTest
class RecentCopiesIT extends RecentCopiesTest {

    @Override
    @Test
    @Disabled("The packaged service logs in its own process; the log line is checked in RecentCopiesTest")
    void aHitIsLoggedAsRecent() {
    }
}

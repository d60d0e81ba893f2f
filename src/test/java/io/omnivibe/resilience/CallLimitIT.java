package io.omnivibe.resilience;

import io.quarkus.test.junit.QuarkusIntegrationTest;

@QuarkusIntegrationTest
class CallLimitIT extends CallLimitTest {
}

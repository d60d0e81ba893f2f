package io.omnivibe.lookup;

import io.quarkus.test.junit.QuarkusIntegrationTest;

@QuarkusIntegrationTest
class CoalescingIT extends CoalescingTest {
}

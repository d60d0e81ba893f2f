package io.omnivibe.api;

import io.quarkus.test.junit.QuarkusIntegrationTest;

@QuarkusIntegrationTest
class LookupResourceIT extends LookupResourceTest {
}

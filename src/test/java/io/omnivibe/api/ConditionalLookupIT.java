package io.omnivibe.api;

import io.quarkus.test.junit.QuarkusIntegrationTest;

@QuarkusIntegrationTest
class ConditionalLookupIT extends ConditionalLookupTest {
}

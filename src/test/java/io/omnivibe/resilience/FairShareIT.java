package io.omnivibe.resilience;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The fair share against the packaged service: the jar, or the native executable. */
@QuarkusIntegrationTest
class FairShareIT extends FairShareTest {
}

package io.omnivibe.changes;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link WebhooksTest} against the packaged service (the jar, or the native executable). */
@QuarkusIntegrationTest
class WebhooksIT extends WebhooksTest {
}

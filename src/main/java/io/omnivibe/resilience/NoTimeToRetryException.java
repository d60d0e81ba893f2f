package io.omnivibe.resilience;

/**
 * Carries a failure worth retrying past the retries when the wait before the next attempt would
 * not end within the lookup's budget; {@link UpstreamGuard} hands on the failure itself.
 */
final class NoTimeToRetryException extends RuntimeException {

    NoTimeToRetryException(Throwable failure) {
        super("no time left in the lookup's budget to retry", failure, false, false);
    }
}

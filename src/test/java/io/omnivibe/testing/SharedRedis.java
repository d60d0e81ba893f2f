package io.omnivibe.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real Redis for a {@code @QuarkusTest}, named as a fleet names it, with a fresh secret. Tests
 * get it through {@link InjectSharedRedis}.
 */
public class SharedRedis implements QuarkusTestResourceLifecycleManager {

    private EmbeddedRedis redis;

    /** 32 random bytes, base64: what {@code LOOKUP_SHARED_SECRET} holds. */
    public static String newSecret() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return Base64.getEncoder().encodeToString(secret);
    }

    @Override
    public Map<String, String> start() {
        try {
            redis = EmbeddedRedis.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return redis.settings(newSecret());
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(redis, new TestInjector.AnnotatedAndMatchesType(InjectSharedRedis.class, EmbeddedRedis.class));
    }

    @Override
    public void stop() {
        if (redis != null) {
            try {
                redis.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}

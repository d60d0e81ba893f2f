package io.omnivibe.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.github.benmanes.caffeine.cache.Ticker;

import io.omnivibe.upstream.ConversationKey;
import io.omnivibe.upstream.DocumentIds;
import io.omnivibe.testing.Fields;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A native executable can build only the Caffeine classes registered on {@link StaleStore}: for
 * every shape its settings can give the cache, the classes Caffeine selects must be among them.
 * Caffeine picks them by name from the builder's features, so this fails as soon as a change to
 * the builder selects another one, long before a native executable would answer 500.
 */
class StaleStoreShapeTest {

    @ParameterizedTest(name = "max-bytes {0}, max-entries {1}, max-age {2} ms")
    @CsvSource({
            "1, 1, 1",
            "1000000, 3, 600000",
            "-1, 10000, 600000",
            "9223372036854775807, 9223372036854775807, 9223372036854775807" })
    void selectsOnlyRegisteredCacheClasses(long maxBytes, long maxEntries, long maxAgeMs) throws Exception {
        long bytes = maxBytes < 0 ? Runtime.getRuntime().maxMemory() / 4 : maxBytes;
        StaleStore store = new StaleStore(bytes, maxEntries, Duration.ofMillis(maxAgeMs), Ticker.systemTicker());
        store.remember(new ConversationKey("inbox", "contact", 1), LookupResult.fresh(new byte[] { '{', '}' }), DocumentIds.NONE, Duration.ZERO);

        Object cache = Fields.read(Fields.read(store, "copies"), "cache");
        Map<?, ?> nodes = (Map<?, ?>) Fields.read(cache, "data");

        List<String> registered = List.of(StaleStore.class.getAnnotation(RegisterForReflection.class).classNames());
        assertThat(registered).contains(cache.getClass().getName());
        assertThat(nodes.values()).allSatisfy(node -> assertThat(registered).contains(node.getClass().getName()));
    }
}

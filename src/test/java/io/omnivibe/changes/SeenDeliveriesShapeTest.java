package io.omnivibe.changes;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.omnivibe.testing.Fields;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A native executable can build only the Caffeine classes registered on the bean that builds the
 * cache (see {@code StaleStoreShapeTest}): this fails as soon as a change to a builder here
 * selects a class not named, long before a native executable would fail a webhook.
 */
class SeenDeliveriesShapeTest {

    @Test
    void seenDeliveriesSelectOnlyRegisteredClasses() throws Exception {
        SeenDeliveries seen = new SeenDeliveries(Duration.ofMinutes(5));
        seen.firstTime("signature:00");

        assertRegistered(Fields.read(Fields.read(seen, "seen"), "cache"), SeenDeliveries.class);
    }

    private static void assertRegistered(Object cache, Class<?> builder) throws ReflectiveOperationException {
        Map<?, ?> nodes = (Map<?, ?>) Fields.read(cache, "data");
        List<String> registered = List.of(builder.getAnnotation(RegisterForReflection.class).classNames());
        assertThat(registered).contains(cache.getClass().getName());
        assertThat(nodes.values()).isNotEmpty().allSatisfy(node -> assertThat(registered).contains(node.getClass().getName()));
    }
}

package io.omnivibe.config;

import jakarta.annotation.Priority;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;

/**
 * Checks each lookup policy as configuration is read, before anything is built from it and before
 * the service listens: a value out of its range ({@link PolicyRanges}), or one that does not
 * parse, stops start-up with a line naming the setting, its environment variable, the value and
 * the allowed range. It sees the value every source and profile resolved to, wherever it is read
 * (also where {@code application.properties} passes it on to the REST client).
 */
@Priority(Priorities.APPLICATION)
public class PolicyRangeCheck implements ConfigSourceInterceptor {

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (value != null) {
            PolicyRanges.violation(name, value.getValue()).ifPresent(violation -> {
                throw new IllegalArgumentException(violation);
            });
        }
        return value;
    }
}

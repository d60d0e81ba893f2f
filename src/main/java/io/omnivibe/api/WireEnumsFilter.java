package io.omnivibe.api;

import java.math.BigDecimal;
import java.util.List;

import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.media.Schema;

/**
 * The wire model's enums end in a catch-all constant ({@code UNKNOWN}, or -1 for message types)
 * that stands for values the service does not know yet; those values reach callers unchanged. The
 * API description lists the known wire values and says that others may appear.
 */
public class WireEnumsFilter implements OASFilter {

    private static final List<Object> CATCH_ALLS = List.of("UNKNOWN", -1, BigDecimal.valueOf(-1));

    @Override
    public Schema filterSchema(Schema schema) {
        List<Object> values = schema.getEnumeration();
        if (values != null && values.stream().anyMatch(CATCH_ALLS::contains)) {
            schema.setEnumeration(values.stream().filter(value -> !CATCH_ALLS.contains(value)).toList());
            schema.setDescription("Known values; the upstream may send others, which are passed through unchanged.");
        }
        return schema;
    }
}

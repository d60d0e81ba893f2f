package io.omnivibe.upstream.model;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

@RegisterForReflection
public enum ContactType {
    @JsonProperty("visitor")
    VISITOR,
    @JsonProperty("lead")
    LEAD,
    @JsonProperty("customer")
    CUSTOMER,
    /** A contact type this service does not know yet; the original value still reaches the caller. */
    @JsonEnumDefaultValue
    UNKNOWN
}

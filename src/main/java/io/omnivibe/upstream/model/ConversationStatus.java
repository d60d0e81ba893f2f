package io.omnivibe.upstream.model;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

@RegisterForReflection
public enum ConversationStatus {
    @JsonProperty("open")
    OPEN,
    @JsonProperty("resolved")
    RESOLVED,
    @JsonProperty("pending")
    PENDING,
    @JsonProperty("snoozed")
    SNOOZED,
    /** A status this service does not know yet; the original value still reaches the caller. */
    @JsonEnumDefaultValue
    UNKNOWN
}

package io.omnivibe.upstream.model;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

@RegisterForReflection
public enum SenderType {
    @JsonProperty("contact")
    CONTACT,
    @JsonProperty("user")
    USER,
    @JsonProperty("agent_bot")
    AGENT_BOT,
    @JsonProperty("captain_assistant")
    CAPTAIN_ASSISTANT,
    /** A sender type this service does not know yet; the original value still reaches the caller. */
    @JsonEnumDefaultValue
    UNKNOWN
}

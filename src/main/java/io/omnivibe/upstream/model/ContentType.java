package io.omnivibe.upstream.model;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A message's {@code content_type}: how the client renders it. */
@RegisterForReflection
public enum ContentType {
    @JsonProperty("text")
    TEXT,
    @JsonProperty("input_text")
    INPUT_TEXT,
    @JsonProperty("input_textarea")
    INPUT_TEXTAREA,
    @JsonProperty("input_email")
    INPUT_EMAIL,
    @JsonProperty("input_select")
    INPUT_SELECT,
    @JsonProperty("cards")
    CARDS,
    @JsonProperty("form")
    FORM,
    @JsonProperty("article")
    ARTICLE,
    @JsonProperty("incoming_email")
    INCOMING_EMAIL,
    @JsonProperty("input_csat")
    INPUT_CSAT,
    @JsonProperty("integrations")
    INTEGRATIONS,
    @JsonProperty("sticker")
    STICKER,
    @JsonProperty("voice_call")
    VOICE_CALL,
    /** A content type this service does not know yet; the original value still reaches the caller. */
    @JsonEnumDefaultValue
    UNKNOWN
}

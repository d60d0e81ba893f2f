package io.omnivibe.upstream.model;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

@RegisterForReflection
public enum FileType {
    @JsonProperty("image")
    IMAGE,
    @JsonProperty("audio")
    AUDIO,
    @JsonProperty("video")
    VIDEO,
    @JsonProperty("file")
    FILE,
    @JsonProperty("location")
    LOCATION,
    @JsonProperty("fallback")
    FALLBACK,
    @JsonProperty("share")
    SHARE,
    @JsonProperty("story_mention")
    STORY_MENTION,
    @JsonProperty("contact")
    CONTACT,
    @JsonProperty("ig_reel")
    IG_REEL,
    @JsonProperty("ig_post")
    IG_POST,
    @JsonProperty("ig_story")
    IG_STORY,
    @JsonProperty("embed")
    EMBED,
    /** A file type this service does not know yet; the original value still reaches the caller. */
    @JsonEnumDefaultValue
    UNKNOWN
}

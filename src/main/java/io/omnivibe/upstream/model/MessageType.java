package io.omnivibe.upstream.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A message's {@code message_type}, an integer on the wire. */
@RegisterForReflection
public enum MessageType {
    INCOMING(0),
    OUTGOING(1),
    /** Filtered out by the public API; listed so that the code is not mistaken for an unknown one. */
    ACTIVITY(2),
    TEMPLATE(3),
    /** A message type this service does not know yet. */
    UNKNOWN(-1);

    private final int code;

    MessageType(int code) {
        this.code = code;
    }

    @JsonValue
    public int code() {
        return code;
    }

    @JsonCreator
    public static MessageType fromCode(int code) {
        for (MessageType type : values()) {
            if (type.code == code) {
                return type;
            }
        }
        return UNKNOWN;
    }
}

package io.omnivibe.upstream.model;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A message of a conversation (schema {@code public_message}). */
@RegisterForReflection
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Message(
        Long id,
        /* Null for attachment-only messages. */
        String content,
        MessageType messageType,
        ContentType contentType,
        Map<String, Object> contentAttributes,
        /* Unix seconds. */
        Long createdAt,
        /* Display id of the conversation. */
        Long conversationId,
        /* Absent, not empty, on a message without attachments. */
        List<Attachment> attachments,
        /* Absent when the message has no sender. */
        Sender sender) {
}

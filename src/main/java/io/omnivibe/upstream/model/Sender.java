package io.omnivibe.upstream.model;

import java.util.Map;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The sender of a message (schema {@code public_message_sender}). Each {@link #type()} carries its
 * own subset of these fields: contacts their contact details, users their availability,
 * captain assistants a description.
 */
@RegisterForReflection
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Sender(
        Long id,
        String name,
        String avatarUrl,
        String thumbnail,
        SenderType type,
        String availableName,
        String availabilityStatus,
        String email,
        String phoneNumber,
        String identifier,
        Boolean blocked,
        Map<String, Object> additionalAttributes,
        Map<String, Object> customAttributes,
        String description,
        /* ISO-8601. */
        String createdAt) {
}

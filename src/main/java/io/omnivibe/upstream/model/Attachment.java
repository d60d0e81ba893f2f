package io.omnivibe.upstream.model;

import java.util.Map;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * An attachment of a message (schema {@code public_message_attachment}). Which fields are present
 * depends on {@link #fileType()}: files carry the storage fields, locations their coordinates,
 * contacts a {@code meta} object.
 */
@RegisterForReflection
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Attachment(
        Long id,
        Long messageId,
        FileType fileType,
        Long accountId,
        String extension,
        /* MIME type of the stored file; sent by the server although the OpenAPI text omits it. */
        String contentType,
        /* A redirecting storage URL. */
        String dataUrl,
        /* Empty for non-images. */
        String thumbUrl,
        Long fileSize,
        Integer width,
        Integer height,
        Double coordinatesLat,
        Double coordinatesLong,
        String fallbackTitle,
        Map<String, Object> meta,
        /* Audio only. */
        String transcribedText) {
}

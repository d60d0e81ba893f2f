package io.omnivibe.upstream.model;

import java.util.List;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A conversation as the public client API renders it (schema {@code public_conversation}). It
 * describes the answer in the API description and for readers; lookups never bind it (callers get
 * the upstream's bytes unchanged, whatever their values' types), and ConversationModelTest proves
 * that it reads realistic bodies.
 */
@RegisterForReflection
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Conversation(
        /* Per-account display id, the {conversation_id} of the path. */
        Long id,
        String uuid,
        Long inboxId,
        /* Unix seconds; 0 when never seen. */
        Long contactLastSeenAt,
        ConversationStatus status,
        /* Unix seconds; 0 when never seen. */
        Long agentLastSeenAt,
        /* Oldest first, without activity messages and private notes; not paginated. */
        List<Message> messages,
        Contact contact) {
}

package io.omnivibe.upstream.model;

import java.util.List;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A conversation as the public client API renders it (schema {@code public_conversation}).
 * It is the typed view used to check and describe a body; callers receive the upstream's bytes
 * unchanged, so keys this model does not list are never lost.
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

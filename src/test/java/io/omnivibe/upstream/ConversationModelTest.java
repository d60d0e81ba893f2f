package io.omnivibe.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

import io.omnivibe.testing.Bodies;
import io.omnivibe.upstream.model.Conversation;
import io.omnivibe.upstream.model.ConversationStatus;
import io.omnivibe.upstream.model.FileType;

/**
 * The typed model documents the API (it is the OpenAPI schema of a 200); lookups never bind it.
 * It must still read every realistic body, values it does not know included.
 */
class ConversationModelTest {

    private static final ObjectReader READER = new ObjectMapper().readerFor(Conversation.class)
            .with(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE)
            .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    @ParameterizedTest
    @ValueSource(strings = { "example.json", "adversarial.json" })
    void readsRealisticBodies(String bodyFile) throws Exception {
        Conversation conversation = READER.readValue(Bodies.resource(bodyFile));

        assertThat(conversation.id()).isNotNull();
        assertThat(conversation.messages()).isNotEmpty();
    }

    @Test
    void readsTheDocumentedExampleField() throws Exception {
        Conversation conversation = READER.readValue(Bodies.resource("example.json"));

        assertThat(conversation.id()).isEqualTo(42);
        assertThat(conversation.status()).isEqualTo(ConversationStatus.OPEN);
        assertThat(conversation.messages().get(1).attachments().get(0).width()).isEqualTo(800);
        assertThat(conversation.messages().get(1).attachments().get(0).fileType()).isEqualTo(FileType.IMAGE);
    }

    @Test
    void readsValuesItDoesNotKnowAsUnknown() throws Exception {
        Conversation conversation = READER.readValue(Bodies.resource("adversarial.json"));

        assertThat(conversation.status()).isEqualTo(ConversationStatus.UNKNOWN);
    }

    @Test
    void readsALargeConversation() throws Exception {
        Conversation conversation = READER.readValue(Bodies.largeConversation(400 * 1024));

        assertThat(conversation.messages()).hasSizeGreaterThan(100);
    }
}

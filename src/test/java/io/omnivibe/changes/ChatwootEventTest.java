package io.omnivibe.changes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.omnivibe.testing.ChatwootConversation;

/** Which copies each of Chatwoot's events names (docs/chatwoot-webhooks.md, "The mapping"). */
class ChatwootEventTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final ChatwootConversation conversation = ChatwootConversation.fresh();

    @Test
    void aMessageNamesItsConversationByInboxAndIdAndItsContactIdentifier() {
        ChatwootEvent event = read(conversation.messageCreated("hi"));

        assertThat(event.kind()).isEqualTo(ChatwootEvent.Kind.CHANGE);
        assertThat(event.marks()).containsExactly(
                new ChangeMark.Conversation(conversation.inboxId(), conversation.address().conversationId()),
                new ChangeMark.ContactIdentifier(conversation.address().contactIdentifier()));
    }

    @Test
    void aConversationEventWithTheInternalIdStillNamesTheContactIdentifier() {
        ChatwootEvent event = read(conversation.statusChangedWithInternalId());

        assertThat(event.marks()).containsExactly(
                new ChangeMark.Conversation(conversation.inboxId(), conversation.internalId()),
                new ChangeMark.ContactIdentifier(conversation.address().contactIdentifier()));
    }

    @Test
    void aContactEventNamesTheContact() {
        assertThat(read(conversation.contactUpdated()).marks()).containsExactly(new ChangeMark.Contact(conversation.contactId()));
    }

    @Test
    void typingChangesNoDocumentAndAnUnknownEventIsNotOneWeKnow() {
        assertThat(read(conversation.typingOn()).kind()).isEqualTo(ChatwootEvent.Kind.NO_CHANGE);
        assertThat(read("{\"event\":\"inbox_updated\",\"id\":3}").kind()).isEqualTo(ChatwootEvent.Kind.NO_CHANGE);
        assertThat(read("{\"event\":\"conversation_deleted_someday\",\"id\":3}").kind()).isEqualTo(ChatwootEvent.Kind.UNKNOWN);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"event\":\"message_created\",\"id\":1}",
            "{\"event\":\"conversation_updated\",\"id\":\"12\",\"inbox_id\":3}",
            "{\"event\":\"conversation_updated\",\"id\":12,\"inbox_id\":99999999999999999999999}",
            "{\"event\":\"contact_updated\",\"id\":1.5}",
            "{\"event\":\"message_updated\",\"conversation\":{\"contact_inbox\":{\"source_id\":\"\"}}}" })
    void anEventThatChangesDocumentsWithoutUsableIdsIsUnmapped(String body) {
        ChatwootEvent event = read(body);

        assertThat(event.kind()).isEqualTo(ChatwootEvent.Kind.UNMAPPED);
        assertThat(event.marks()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "not json", "[1]", "{\"event\":5}", "{\"id\":1}", "{\"event\":\"message_created\"" })
    void aBodyThatIsNotAnEventIsMalformed(String body) {
        assertThatThrownBy(() -> read(body)).isInstanceOf(MalformedDeliveryException.class);
    }

    private static ChatwootEvent read(String body) {
        return ChatwootEvent.read(body.getBytes(StandardCharsets.UTF_8), MAPPER);
    }
}

package io.omnivibe.testing;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * A conversation as Chatwoot knows it: its lookup address, and the internal ids its documents and
 * webhooks carry (an inbox, a contact, the conversation's internal id), drawn afresh for each test
 * so that an event for one never names another test's copies.
 */
public record ChatwootConversation(TestConversation address, long inboxId, long contactId, long internalId) {

    private static final SecureRandom RANDOM = new SecureRandom();

    public static ChatwootConversation fresh() {
        return new ChatwootConversation(TestConversation.fresh(), 1 + RANDOM.nextInt(1_000_000_000),
                1 + RANDOM.nextInt(1_000_000_000), 1_000_000_000L + RANDOM.nextInt(1_000_000_000));
    }

    /** The public API's document, as Chatwoot's jbuilder writes it, its last message saying {@code text}. */
    public byte[] document(String text) {
        return ("""
                {"id":%d,"uuid":"0f6a2b0e-6a8c-4c55-9b7e-2d3c1f0e9a11","inbox_id":%d,"contact_last_seen_at":1776340000,\
                "status":"open","agent_last_seen_at":0,"messages":[{"id":1,"content":"%s","message_type":0,\
                "content_type":"text","content_attributes":{},"created_at":1776339001,"conversation_id":%d,\
                "sender":{"id":%d,"name":"Alice","type":"contact"}}],"contact":{"id":%d,"name":"Alice","email":null,\
                "phone_number":null,"account_id":1,"identifier":"user-123","contact_type":"visitor"}}"""
                .formatted(address.conversationId(), inboxId, text, address.conversationId(), contactId, contactId))
                .getBytes(StandardCharsets.UTF_8);
    }

    /** {@code message_created}, as Chatwoot's webhook listener sends it: the message, and its conversation's webhook data. */
    public String messageCreated(String text) {
        return """
                {"event":"message_created","id":%d,"content":"%s","created_at":"2026-12-06T10:00:00.000Z",\
                "message_type":"incoming","content_type":"text","content_attributes":{},"source_id":null,"private":false,\
                "sender":{"id":%d,"name":"Alice","type":"contact"},"inbox":{"id":%d,"name":"Website"},\
                "account":{"id":1,"name":"Acme"},"conversation":%s}"""
                .formatted(RANDOM.nextInt(1_000_000), text, contactId, inboxId, conversationData(address.conversationId()));
    }

    /** {@code conversation_created}: the conversation's webhook data, its display id the payload's {@code id}. */
    public String conversationCreated() {
        String data = conversationData(address.conversationId());
        return "{\"event\":\"conversation_created\"," + data.substring(1);
    }

    /** {@code conversation_status_changed}, from a Chatwoot whose {@code id} is the internal one (a fork's push data). */
    public String statusChangedWithInternalId() {
        String data = conversationData(internalId);
        return "{\"event\":\"conversation_status_changed\"," + data.substring(1, data.length() - 1)
                + ",\"changed_attributes\":[{\"status\":{\"previous_value\":\"open\",\"current_value\":\"resolved\"}}]}";
    }

    /** {@code contact_updated}: the contact alone, as a merge's survivor is reported. */
    public String contactUpdated() {
        return "{\"event\":\"contact_updated\",\"id\":%d,\"name\":\"Alice B.\",\"avatar\":\"\",\"type\":\"contact\",\"account\":{\"id\":1,\"name\":\"Acme\"}}"
                .formatted(contactId);
    }

    /** {@code conversation_typing_on}: nothing in the document changes. */
    public String typingOn() {
        return "{\"event\":\"conversation_typing_on\",\"conversation\":%s,\"user\":{\"id\":1,\"name\":\"Agent\",\"type\":\"user\"},\"is_private\":false}"
                .formatted(conversationData(address.conversationId()));
    }

    /** Conversations::EventDataPresenter's push data (with {@code id} as given), contact inbox included. */
    private String conversationData(long id) {
        return """
                {"additional_attributes":{},"can_reply":true,"channel":"Channel::Api","contact_inbox":{"id":%d,\
                "contact_id":%d,"inbox_id":%d,"source_id":"%s","created_at":"2026-04-16T10:00:00.000Z",\
                "updated_at":"2026-04-16T10:00:00.000Z","hmac_verified":false,"pubsub_token":"x"},"id":%d,\
                "inbox_id":%d,"messages":[],"labels":[],"meta":{"sender":{"id":%d,"name":"Alice","type":"contact"},\
                "assignee":null,"team":null,"hmac_verified":false},"status":"open","custom_attributes":{},\
                "snoozed_until":null,"unread_count":1,"first_reply_created_at":null,"priority":null,\
                "waiting_since":1776339001,"agent_last_seen_at":0,"contact_last_seen_at":0,"last_activity_at":1776339001,\
                "timestamp":1776339001,"created_at":1776339000,"updated_at":1776339001.5}"""
                .formatted(RANDOM.nextInt(1_000_000), contactId, inboxId, address.contactIdentifier(), id, inboxId, contactId);
    }
}

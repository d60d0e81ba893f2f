package io.omnivibe.upstream;

import java.io.IOException;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import io.omnivibe.upstream.model.Conversation;

/** Checks that a 200 body is one complete conversation object, and gives its typed view. */
@ApplicationScoped
public class ConversationReader {

    private final ObjectReader reader;

    ConversationReader(ObjectMapper mapper) {
        this.reader = mapper.readerFor(Conversation.class)
                .with(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE)
                // Trailing bytes would reach callers verbatim, so they make the body malformed.
                .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    public ConversationDocument read(byte[] body) {
        if (body == null || body.length == 0) {
            throw new UpstreamTransportException("upstream sent an empty body");
        }
        Conversation conversation;
        try {
            conversation = reader.readValue(body);
        } catch (JsonEOFException cutOff) {
            throw new UpstreamTransportException("upstream body was cut off");
        } catch (MismatchedInputException notAConversation) {
            throw new MalformedUpstreamResponseException("upstream body is not a conversation object");
        } catch (JsonProcessingException notJson) {
            throw new MalformedUpstreamResponseException("upstream body is not valid JSON");
        } catch (IOException unreadable) {
            throw new MalformedUpstreamResponseException("upstream body could not be read");
        }
        if (conversation == null) {
            throw new MalformedUpstreamResponseException("upstream body is not a conversation object");
        }
        return new ConversationDocument(body, conversation);
    }
}

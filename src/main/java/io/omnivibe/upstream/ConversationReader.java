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
        } catch (JsonProcessingException unreadable) {
            if (endsEarly(unreadable)) {
                throw new UpstreamTransportException("upstream body was cut off");
            }
            throw new MalformedUpstreamResponseException(unreadable instanceof MismatchedInputException
                    ? "upstream body is not a conversation object"
                    : "upstream body is not valid JSON");
        } catch (IOException unreadable) {
            throw new MalformedUpstreamResponseException("upstream body could not be read");
        }
        if (conversation == null) {
            throw new MalformedUpstreamResponseException("upstream body is not a conversation object");
        }
        return new ConversationDocument(body, conversation);
    }

    /** A body that stops mid-document was cut off in transit: worth another attempt. */
    private static boolean endsEarly(JsonProcessingException failure) {
        // Data binding reports the parser's end-of-input as a mismatch with this wording.
        return failure instanceof JsonEOFException
                || String.valueOf(failure.getOriginalMessage()).startsWith("Unexpected end-of-input");
    }
}

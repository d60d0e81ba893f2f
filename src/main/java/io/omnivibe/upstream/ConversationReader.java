package io.omnivibe.upstream;

import java.io.IOException;
import java.util.Arrays;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Checks, in one streaming pass, that a 200 body is one complete JSON object with nothing after
 * it. The values inside are not read: callers get the upstream's document as it is, so a field of
 * an unexpected type, size or shape (the upstream's schema drifting) never fails a lookup. The
 * last good body of a conversation is not checked twice.
 */
@ApplicationScoped
public class ConversationReader {

    private final JsonFactory json;

    ConversationReader(ObjectMapper mapper) {
        // The mapper's factory carries Jackson's read constraints (nesting depth, string and number lengths).
        this.json = mapper.getFactory();
    }

    /**
     * {@code lastGood} is the body this reader last accepted for the same conversation, or null. A
     * conversation polled while it does not change comes back byte for byte: it is not checked
     * again, and the document holds the last good array, so that only one copy stays in memory.
     */
    public ConversationDocument read(byte[] body, byte[] lastGood) {
        if (body == null || body.length == 0) {
            throw new UpstreamTransportException("upstream sent an empty body");
        }
        if (Arrays.equals(body, lastGood)) {
            return new ConversationDocument(lastGood, true);
        }
        try (JsonParser parser = json.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedUpstreamResponseException("upstream body is not a conversation object");
            }
            parser.skipChildren();
            // Trailing bytes would reach callers verbatim, so they make the body malformed.
            if (parser.nextToken() != null) {
                throw new MalformedUpstreamResponseException("upstream body has more after the conversation object");
            }
        } catch (JsonEOFException cutOff) {
            // A body that stops mid-document was cut off in transit: worth another attempt.
            throw new UpstreamTransportException("upstream body was cut off");
        } catch (IOException unreadable) {
            throw new MalformedUpstreamResponseException("upstream body is not valid JSON");
        }
        return new ConversationDocument(body, false);
    }
}

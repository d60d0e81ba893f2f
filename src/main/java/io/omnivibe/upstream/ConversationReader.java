package io.omnivibe.upstream;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Checks, in one streaming pass, that a 200 body is one complete JSON object with nothing after
 * it, and notes on the way the ids webhooks name it by ({@link DocumentIds}). Other values are not
 * read: callers get the upstream's document as it is, so a field of an unexpected type, size or
 * shape (the upstream's schema drifting) never fails a lookup. (A body that is the last good one
 * again never gets here: {@link BodyRead} recognises it as it arrives.)
 */
@ApplicationScoped
public class ConversationReader {

    /** A number that more digits would complete: "-", "1.", "1e", "1e+". */
    private static final Pattern UNFINISHED_NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)?(\\.[0-9]*)?([eE][+-]?[0-9]*)?");

    private final JsonFactory json;

    ConversationReader(ObjectMapper mapper) {
        // The mapper's factory carries Jackson's read constraints (nesting depth, string and number lengths).
        this.json = mapper.getFactory();
    }

    public ConversationDocument read(byte[] body) {
        if (body == null || body.length == 0) {
            throw new UpstreamTransportException("upstream sent an empty body");
        }
        try (JsonParser parser = json.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedUpstreamResponseException("upstream body is not a conversation object");
            }
            DocumentIds ids = idsOf(parser);
            // Trailing bytes would reach callers verbatim, so they make the body malformed.
            if (parser.nextToken() != null) {
                throw new MalformedUpstreamResponseException("upstream body has more after the conversation object");
            }
            return new ConversationDocument(body, false, ids);
        } catch (JsonEOFException cutOff) {
            // A body that stops mid-document was cut off in transit: worth another attempt.
            throw new UpstreamTransportException("upstream body was cut off");
        } catch (JsonParseException unreadable) {
            if (endsInAnUnfinishedValue(body, unreadable)) {
                throw new UpstreamTransportException("upstream body was cut off");
            }
            throw new MalformedUpstreamResponseException("upstream body is not valid JSON");
        } catch (IOException unreadable) {
            throw new MalformedUpstreamResponseException("upstream body is not valid JSON");
        }
    }

    /** Reads the object's members up to its end: {@code id}, {@code inbox_id} and {@code contact.id} are noted, the rest skipped. */
    private static DocumentIds idsOf(JsonParser parser) throws IOException {
        long inboxId = DocumentIds.UNKNOWN;
        long conversationId = DocumentIds.UNKNOWN;
        long contactId = DocumentIds.UNKNOWN;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (name) {
                case "id" -> conversationId = wholeNumber(parser, value);
                case "inbox_id" -> inboxId = wholeNumber(parser, value);
                case "contact" -> contactId = value == JsonToken.START_OBJECT ? idOf(parser) : skip(parser);
                default -> parser.skipChildren();
            }
        }
        return new DocumentIds(inboxId, conversationId, contactId);
    }

    private static long idOf(JsonParser parser) throws IOException {
        long id = DocumentIds.UNKNOWN;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if (name.equals("id")) {
                id = wholeNumber(parser, value);
            } else {
                parser.skipChildren();
            }
        }
        return id;
    }

    private static long wholeNumber(JsonParser parser, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
            return parser.getLongValue();
        }
        return skip(parser);
    }

    private static long skip(JsonParser parser) throws IOException {
        parser.skipChildren();
        return DocumentIds.UNKNOWN;
    }

    /**
     * Cut off inside a literal or a number ("tr", "1."), the parser reports a bad token rather than
     * the end of the input: the body was cut off when that token runs to its last byte and is the
     * start of a valid one.
     */
    private static boolean endsInAnUnfinishedValue(byte[] body, JsonParseException unreadable) {
        long tokenStart = unreadable.getLocation() == null ? -1 : unreadable.getLocation().getByteOffset();
        if (tokenStart < 0 || tokenStart >= body.length) {
            return false;
        }
        String token = new String(body, (int) tokenStart, body.length - (int) tokenStart, StandardCharsets.US_ASCII);
        return "true".startsWith(token) || "false".startsWith(token) || "null".startsWith(token)
                || UNFINISHED_NUMBER.matcher(token).matches();
    }
}

package io.omnivibe.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.ObjectMapper;

/** A 200 body is checked once; the same bytes again are the last good document, not checked twice. */
class ConversationReaderTest {

    private final ConversationReader reader = new ConversationReader(new ObjectMapper());

    private static byte[] body(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void checksABodyItHasNotAcceptedBefore() {
        ConversationDocument document = reader.read(body("{\"id\":1}"), null);

        assertThat(document.json()).isEqualTo(body("{\"id\":1}"));
        assertThat(document.unchanged()).isFalse();
        assertThatThrownBy(() -> reader.read(body("{\"id\":1}{}"), null)).isInstanceOf(MalformedUpstreamResponseException.class);
        assertThatThrownBy(() -> reader.read(body("{\"id\":"), null)).isInstanceOf(UpstreamTransportException.class);
    }

    /** Cut off in transit: another attempt may bring the whole body. */
    @ParameterizedTest
    @ValueSource(strings = { "{\"id\":", "{\"open\":tr", "{\"x\":nul", "{\"x\":fals", "{\"n\":1.", "{\"n\":1e", "{\"n\":-",
            "{\"s\":\"caf\u00c3", "{\"s\":\"a\\" })
    void takesABodyThatStopsMidDocumentForCutOff(String cutOff) {
        assertThatThrownBy(() -> reader.read(body(cutOff), null)).isInstanceOf(UpstreamTransportException.class);
    }

    /** Broken before its end: no other attempt mends it. */
    @ParameterizedTest
    @ValueSource(strings = { "{\"open\":tru}", "{\"x\":nulll}", "{\"n\":1.}", "{\"id\":01}" })
    void takesABodyBrokenBeforeItsEndForMalformed(String malformed) {
        assertThatThrownBy(() -> reader.read(body(malformed), null)).isInstanceOf(MalformedUpstreamResponseException.class);
    }

    @Test
    void checksABodyThatDiffersFromTheLastGoodOne() {
        byte[] lastGood = body("{\"id\":1}");

        assertThat(reader.read(body("{\"id\":2}"), lastGood).unchanged()).isFalse();
        assertThatThrownBy(() -> reader.read(body("{\"id\":2"), lastGood)).isInstanceOf(UpstreamTransportException.class);
        assertThatThrownBy(() -> reader.read(body("[1]"), lastGood)).isInstanceOf(MalformedUpstreamResponseException.class);
    }

    @Test
    void takesTheLastGoodBodyAgainWithoutCheckingIt() {
        // Not JSON at all: only a body that skipped the check can come back from it as a document.
        byte[] lastGood = body("accepted before");

        ConversationDocument document = reader.read(body("accepted before"), lastGood);

        assertThat(document.unchanged()).isTrue();
        assertThat(document.json()).isSameAs(lastGood);
    }

    @Test
    void anEmptyBodyIsNeverTheLastGoodOne() {
        assertThatThrownBy(() -> reader.read(new byte[0], new byte[0])).isInstanceOf(UpstreamTransportException.class);
    }
}

package io.omnivibe.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.ObjectMapper;

/** A 200 body is one complete JSON object, or malformed, or cut off in transit (worth another attempt). */
class ConversationReaderTest {

    private final ConversationReader reader = new ConversationReader(new ObjectMapper());

    private static byte[] body(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void acceptsOneObjectAndNothingAfterIt() {
        ConversationDocument document = reader.read(body("{\"id\":1}"));

        assertThat(document.json()).isEqualTo(body("{\"id\":1}"));
        assertThat(document.unchanged()).isFalse();
        assertThatThrownBy(() -> reader.read(body("{\"id\":1}{}"))).isInstanceOf(MalformedUpstreamResponseException.class);
        assertThatThrownBy(() -> reader.read(body("{\"id\":"))).isInstanceOf(UpstreamTransportException.class);
    }

    /** Cut off in transit: another attempt may bring the whole body. */
    @ParameterizedTest
    @ValueSource(strings = { "{\"id\":", "{\"open\":tr", "{\"x\":nul", "{\"x\":fals", "{\"n\":1.", "{\"n\":1e", "{\"n\":-",
            "{\"s\":\"caf\u00c3", "{\"s\":\"a\\" })
    void takesABodyThatStopsMidDocumentForCutOff(String cutOff) {
        assertThatThrownBy(() -> reader.read(body(cutOff))).isInstanceOf(UpstreamTransportException.class);
    }

    /** Broken before its end: no other attempt mends it. */
    @ParameterizedTest
    @ValueSource(strings = { "{\"open\":tru}", "{\"x\":nulll}", "{\"n\":1.}", "{\"id\":01}" })
    void takesABodyBrokenBeforeItsEndForMalformed(String malformed) {
        assertThatThrownBy(() -> reader.read(body(malformed))).isInstanceOf(MalformedUpstreamResponseException.class);
    }

    @Test
    void anEmptyBodyIsCutOff() {
        assertThatThrownBy(() -> reader.read(new byte[0])).isInstanceOf(UpstreamTransportException.class);
    }
}

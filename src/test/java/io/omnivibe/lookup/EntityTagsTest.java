package io.omnivibe.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** A tag names exactly one version of a document, and stays the same across instances and releases. */
class EntityTagsTest {

    private static final byte[] CONVERSATION = "{\"id\":42,\"messages\":[{\"id\":1,\"content\":\"Hello\"}]}"
            .getBytes(StandardCharsets.UTF_8);

    @Test
    void equalBytesHaveEqualTagsAndOneChangedByteAnother() {
        byte[] edited = CONVERSATION.clone();
        edited[edited.length - 5] = 'O';

        assertThat(EntityTags.of(CONVERSATION.clone())).isEqualTo(EntityTags.of(CONVERSATION))
                .isNotEqualTo(EntityTags.of(edited))
                .matches("[A-Za-z0-9_-]{22}");
    }

    @Test
    void aDocumentKeepsItsTagFromOneReleaseToTheNext() {
        // Callers keep tags across deployments: a new release must not turn every If-None-Match into a 200.
        assertThat(EntityTags.of(CONVERSATION)).isEqualTo("-p-hX8lsxpS99gbuKKG_9A");
    }
}

package io.omnivibe.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

/**
 * An upstream on which a share of conversations always fails, by the last two digits of their
 * number: the fault mix of the soak ({@code soak/upstream/mappings}), served by the same
 * WireMock mappings, with the simulator's conversation 2 as every healthy answer.
 */
public class ChaosUpstream extends OmnivibeStub {

    /** What the upstream does for a conversation number. */
    public enum Kind {
        SERVER_ERROR, CONNECTION_RESET, STALL, THROTTLED, NOT_FOUND, HEALTHY;

        public static Kind of(long conversationId) {
            int lastTwo = (int) (conversationId % 100);
            if (lastTwo < 5) {
                return SERVER_ERROR;
            }
            if (lastTwo < 8) {
                return CONNECTION_RESET;
            }
            if (lastTwo < 10) {
                return STALL;
            }
            if (lastTwo < 13) {
                return THROTTLED;
            }
            return lastTwo < 18 ? NOT_FOUND : HEALTHY;
        }
    }

    @Override
    protected WireMockConfiguration configuration() {
        return super.configuration().usingFilesUnderDirectory(assembleRoot().toString());
    }

    private static Path assembleRoot() {
        try {
            Path root = Path.of("target", "chaos-upstream");
            Path mappings = Files.createDirectories(root.resolve("mappings"));
            Path files = Files.createDirectories(root.resolve("__files"));
            try (Stream<Path> mix = Files.list(Path.of("soak", "upstream", "mappings"))) {
                for (Path mapping : mix.toList()) {
                    Files.copy(mapping, mappings.resolve(mapping.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.copy(Path.of("src", "main", "simulator", "__files", "conversation-2.json"), files.resolve("conversation-2.json"),
                    StandardCopyOption.REPLACE_EXISTING);
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

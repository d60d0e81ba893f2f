package io.omnivibe.upstream;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/** Where the upstream lives. */
@ConfigMapping(prefix = "omnivibe")
public interface OmnivibeConfig {

    /** Base URL of the Omnivibe or Chatwoot installation ({@code OMNIVIBE_BASE_URL}). */
    Optional<String> baseUrl();
}

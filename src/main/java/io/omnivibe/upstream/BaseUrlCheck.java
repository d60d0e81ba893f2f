package io.omnivibe.upstream;

import java.net.URI;
import java.net.URISyntaxException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;

/** Refuses to start without a usable upstream, rather than failing every lookup later. */
@ApplicationScoped
class BaseUrlCheck {

    static final String HOW_TO_FIX = "set OMNIVIBE_BASE_URL to the http(s) base URL of your Omnivibe or Chatwoot,"
            + " e.g. OMNIVIBE_BASE_URL=https://app.example.com";

    void onStart(@Observes StartupEvent event, OmnivibeConfig config) {
        String baseUrl = config.baseUrl().map(String::trim).orElse("");
        if (baseUrl.isEmpty()) {
            throw new ConfigurationException("OMNIVIBE_BASE_URL is not set: " + HOW_TO_FIX);
        }
        if (!isHttpUrl(baseUrl)) {
            throw new ConfigurationException("OMNIVIBE_BASE_URL is not an http(s) URL: " + HOW_TO_FIX);
        }
    }

    private static boolean isHttpUrl(String value) {
        try {
            URI uri = new URI(value);
            return ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                    && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }
}

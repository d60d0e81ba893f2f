package io.omnivibe.api;

import java.net.URI;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** An RFC 9457 problem details body. */
@RegisterForReflection
public record Problem(URI type, String title, int status, String detail) {

    static Problem of(ProblemType type, String detail) {
        return new Problem(type.uri(), type.title(), type.status(), detail);
    }
}

package io.omnivibe.upstream.model;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The raw contact record of a conversation (schema {@code public_contact_record}); its timestamps are ISO-8601. */
@RegisterForReflection
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Contact(
        Long id,
        String name,
        String email,
        String phoneNumber,
        String identifier,
        Boolean blocked,
        Map<String, Object> additionalAttributes,
        Map<String, Object> customAttributes,
        ContactType contactType,
        String countryCode,
        String lastActivityAt,
        String createdAt,
        String updatedAt,
        String lastName,
        String middleName,
        String location,
        Long accountId,
        Long companyId,
        /* Documented, but the server does not send it. */
        List<String> labelList) {
}

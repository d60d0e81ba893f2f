package io.omnivibe.lookup;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

import io.smallrye.mutiny.Uni;

/** The lookup endpoint: the upstream's conversation JSON, byte for byte. */
@Path("/inboxes/{inbox_identifier}/contacts/{contact_identifier}/conversations/{conversation_id}")
public class LookupResource {

    static final String X_CACHE = "X-Cache";

    private final LookupService service;

    LookupResource(LookupService service) {
        this.service = service;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<RestResponse<byte[]>> lookup(
            @RestPath("inbox_identifier") String inboxIdentifier,
            @RestPath("contact_identifier") String contactIdentifier,
            @RestPath("conversation_id") String conversationId) {
        ConversationKey key = LookupRequests.parse(inboxIdentifier, contactIdentifier, conversationId);
        return service.lookup(key).map(LookupResource::toResponse);
    }

    private static RestResponse<byte[]> toResponse(LookupResult result) {
        RestResponse.ResponseBuilder<byte[]> response = RestResponse.ResponseBuilder.ok(result.json(), MediaType.APPLICATION_JSON_TYPE)
                // A conversation is one contact's private data: no shared cache may keep it.
                .header(HttpHeaders.CACHE_CONTROL, "no-store");
        result.staleAge().ifPresent(age -> response.header(X_CACHE, "STALE").header("Age", age.toSeconds()));
        return response.build();
    }
}

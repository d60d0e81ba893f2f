package io.omnivibe.upstream;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

import io.quarkus.rest.client.reactive.ClientExceptionMapper;
import io.smallrye.mutiny.Uni;

/**
 * Omnivibe's (Chatwoot's) public client API, the one endpoint this service reads. The body is
 * taken as bytes so that it reaches our callers exactly as the upstream wrote it.
 */
@RegisterRestClient(configKey = "omnivibe")
@Path("/public/api/v1/inboxes/{inbox_identifier}/contacts/{contact_identifier}/conversations")
public interface OmnivibeClient {

    @GET
    @Path("/{conversation_id}")
    @Produces(MediaType.APPLICATION_JSON)
    Uni<RestResponse<byte[]>> getConversation(
            @RestPath("inbox_identifier") String inboxIdentifier,
            @RestPath("contact_identifier") String contactIdentifier,
            @RestPath("conversation_id") long conversationId);

    @ClientExceptionMapper
    static RuntimeException toException(Response response) {
        MediaType type = response.getMediaType();
        boolean jsonBody = type != null && (type.isCompatible(MediaType.APPLICATION_JSON_TYPE) || type.getSubtype().endsWith("+json"));
        return UpstreamStatus.toException(response.getStatus(), response.getHeaderString(HttpHeaders.RETRY_AFTER), jsonBody);
    }
}

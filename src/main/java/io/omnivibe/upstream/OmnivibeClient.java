package io.omnivibe.upstream;

import java.io.InputStream;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

import io.quarkus.rest.client.reactive.ClientExceptionMapper;
import io.smallrye.mutiny.Uni;

/**
 * Omnivibe's (Chatwoot's) public client API, the one endpoint this service reads. The body is
 * not read here: {@link UpstreamBodyFilter} takes it as it arrives (a 200's as a {@link PendingBody}
 * entity, read within its bounds by {@link UpstreamBodies}), so that it reaches our callers exactly
 * as the upstream wrote it and no body can be larger than the service allows.
 */
@RegisterRestClient(configKey = "omnivibe")
@RegisterProvider(UpstreamBodyFilter.class)
@Path("/public/api/v1/inboxes/{inbox_identifier}/contacts/{contact_identifier}/conversations")
public interface OmnivibeClient {

    @GET
    @Path("/{conversation_id}")
    @Produces(MediaType.APPLICATION_JSON)
    Uni<RestResponse<InputStream>> getConversation(
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

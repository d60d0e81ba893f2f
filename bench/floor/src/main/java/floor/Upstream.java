package floor;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import org.jboss.resteasy.reactive.RestPath;

import io.smallrye.mutiny.Uni;

/** The upstream's endpoint, as the service's client declares it. */
@RegisterRestClient(configKey = "upstream")
@Path("/public/api/v1/inboxes/{inbox}/contacts/{contact}/conversations")
public interface Upstream {

    @GET
    @Path("/{id}")
    Uni<byte[]> conversation(@RestPath String inbox, @RestPath String contact, @RestPath long id);
}

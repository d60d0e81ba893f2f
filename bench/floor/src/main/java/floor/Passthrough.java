package floor;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.resteasy.reactive.RestPath;

import io.smallrye.mutiny.Uni;

/** The upstream's bytes, passed through: no policy, no check, no log line, no metric. */
@Path("/inboxes/{inbox}/contacts/{contact}/conversations/{id}")
public class Passthrough {

    @RestClient
    Upstream upstream;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<byte[]> conversation(@RestPath String inbox, @RestPath String contact, @RestPath long id) {
        return upstream.conversation(inbox, contact, id);
    }
}

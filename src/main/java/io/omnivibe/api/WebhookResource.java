package io.omnivibe.api;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;

import io.omnivibe.changes.ChatwootWebhooks;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Chatwoot's webhook deliveries: each says a conversation (or a contact) changed, and its copies
 * are read from the upstream again. Exists only with {@code lookup.webhooks.secret} set.
 */
@Path("/webhooks/chatwoot")
@Tag(name = "Webhooks")
public class WebhookResource {

    static final String SIGNATURE = "X-Chatwoot-Signature";
    static final String TIMESTAMP = "X-Chatwoot-Timestamp";
    static final String DELIVERY = "X-Chatwoot-Delivery";

    /** What became of a delivery. */
    @RegisterForReflection
    public record Receipt(
            @Schema(enumeration = { "applied", "ignored", "unmapped", "duplicate" }, description = "applied: the copies it"
                    + " names are read again on their next lookup, on every instance; ignored: an event that changes no"
                    + " conversation (typing, inbox) or one this service does not know; unmapped: it names no conversation"
                    + " or contact by an id this service can use; duplicate: received before, nothing more changes.")
            String outcome) {
    }

    private final ChatwootWebhooks webhooks;

    WebhookResource(ChatwootWebhooks webhooks) {
        this.webhooks = webhooks;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Receive a signed Chatwoot webhook delivery", description = "Register this URL as an account "
            + "webhook in Chatwoot (4.11.2 and later sign deliveries) with the message and conversation events, and set "
            + "lookup.webhooks.secret to its secret. The delivery must carry X-Chatwoot-Signature (sha256= and the hex "
            + "HMAC-SHA256 of \"<timestamp>.<body>\" under the secret) and X-Chatwoot-Timestamp within "
            + "lookup.webhooks.replay-window-ms of now. 404 when no secret is set.")
    @RequestBody(description = "The delivery, as Chatwoot sends it (at most lookup.webhooks.max-body-bytes).",
            content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @APIResponse(responseCode = "200", description = "Received; what became of it.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Receipt.class)))
    @APIResponse(responseCode = "400", description = "Signed, but the body is not a JSON event; nothing changed.",
            content = @Content(mediaType = ProblemResponses.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "401", description = "Unsigned, badly signed, or a timestamp outside the replay window; "
            + "nothing changed.",
            content = @Content(mediaType = ProblemResponses.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "Not from lookup.webhooks.allowed-sources, when it is set; refused before"
            + " the body is read, nothing changed.",
            content = @Content(mediaType = ProblemResponses.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No webhook secret is set (or it is set for URL secrets).",
            content = @Content(mediaType = ProblemResponses.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "The body is longer than lookup.webhooks.max-body-bytes.")
    public Receipt signed(byte[] body,
            @Parameter(description = "sha256= and the hex HMAC-SHA256 of \"<timestamp>.<body>\" under the webhook's secret.")
            @RestHeader(SIGNATURE) String signature,
            @Parameter(description = "When Chatwoot signed the delivery, in Unix seconds.") @RestHeader(TIMESTAMP) String timestamp,
            @Parameter(description = "Chatwoot's id of the delivery.") @RestHeader(DELIVERY) String delivery) {
        if (!webhooks.enabled() || !webhooks.signed()) {
            throw new NotFoundException();
        }
        return receive(new ChatwootWebhooks.Delivery(body, signature, timestamp, delivery, null));
    }

    @POST
    @Path("{secret}")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Receive an unsigned Chatwoot webhook delivery", description = "For Chatwoot releases that do "
            + "not sign deliveries: with lookup.webhooks.signed=false, register this URL ending with the secret. 404 "
            + "unless so configured.")
    @RequestBody(description = "The delivery, as Chatwoot sends it (at most lookup.webhooks.max-body-bytes).",
            content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @APIResponse(responseCode = "200", description = "Received; what became of it.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Receipt.class)))
    @APIResponse(responseCode = "400", description = "The body is not a JSON event; nothing changed.",
            content = @Content(mediaType = ProblemResponses.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "401", description = "The URL does not end with the secret; nothing changed.",
            content = @Content(mediaType = ProblemResponses.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "Not from lookup.webhooks.allowed-sources, when it is set; refused before"
            + " the body is read, nothing changed.",
            content = @Content(mediaType = ProblemResponses.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "Not configured for URL secrets.",
            content = @Content(mediaType = ProblemResponses.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "The body is longer than lookup.webhooks.max-body-bytes.")
    public Receipt withUrlSecret(byte[] body,
            @Parameter(description = "The webhook's secret.") @RestPath("secret") String secret,
            @Parameter(description = "Chatwoot's id of the delivery, when it sends one.") @RestHeader(DELIVERY) String delivery) {
        if (!webhooks.enabled() || webhooks.signed()) {
            throw new NotFoundException();
        }
        return receive(new ChatwootWebhooks.Delivery(body, null, null, delivery, secret));
    }

    private Receipt receive(ChatwootWebhooks.Delivery delivery) {
        return new Receipt(webhooks.receive(delivery).name().toLowerCase(java.util.Locale.ROOT));
    }
}

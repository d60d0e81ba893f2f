package io.omnivibe.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

import io.omnivibe.callers.CallerIdentity;
import io.omnivibe.lookup.LookupResult;
import io.omnivibe.lookup.LookupService;
import io.omnivibe.observability.LookupObserver;
import io.omnivibe.observability.LookupOutcome;
import io.omnivibe.observability.LookupReport;
import io.omnivibe.resilience.LookupProgress;
import io.omnivibe.upstream.ConversationKey;
import io.omnivibe.upstream.model.Conversation;
import io.opentelemetry.api.trace.Span;
import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;

/** The lookup endpoint: the upstream's conversation JSON, byte for byte. */
@Path(LookupResource.ROUTE)
@Tag(name = "Conversations")
public class LookupResource {

    static final String ROUTE = "/inboxes/{inbox_identifier}/contacts/{contact_identifier}/conversations/{conversation_id}";
    private static final String X_CACHE = DocumentHeaders.X_CACHE_NAME;
    private static final String IDENTIFIER_RULES = " 1 to 255 characters, no control characters, no slash, not '.' or '..'.";

    private final LookupService service;
    private final LookupObserver observer;
    private final CallerIdentity callers;

    LookupResource(LookupService service, LookupObserver observer, CallerIdentity callers) {
        this.service = service;
        this.observer = observer;
        this.callers = callers;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Look up a conversation", description = "Answers with the upstream's conversation document, "
            + "byte for byte, or with its last good copy (X-Cache: STALE) when the upstream fails. With lookup.fresh-for-ms "
            + "set, a copy fetched less than that ago is answered without asking the upstream (X-Cache: HIT).")
    @APIResponse(responseCode = "200", description = "The conversation: fresh; with X-Cache: HIT, fetched within "
            + "lookup.fresh-for-ms; with X-Cache: STALE, the last good copy.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Conversation.class)),
            headers = {
                    @Header(name = X_CACHE, description = "STALE when this is the last good copy, served because the upstream "
                            + "failed; HIT when it was fetched within lookup.fresh-for-ms.",
                            schema = @Schema(type = SchemaType.STRING, enumeration = { "STALE", "HIT" })),
                    @Header(name = "Age", description = "Seconds since the copy (STALE or HIT) was fetched.",
                            schema = @Schema(type = SchemaType.INTEGER)),
                    @Header(name = HttpHeaders.ETAG, description = "Strong entity tag of these bytes; send it back in If-None-Match.",
                            schema = @Schema(type = SchemaType.STRING)) })
    @APIResponse(responseCode = "304", description = "The document named in If-None-Match is current (or, with "
            + "X-Cache: STALE, is the last good copy); no body.",
            headers = {
                    @Header(name = HttpHeaders.ETAG, description = "Entity tag of the current document.",
                            schema = @Schema(type = SchemaType.STRING)),
                    @Header(name = X_CACHE, description = "STALE when the tag is the last good copy's; HIT when it is a copy "
                            + "fetched within lookup.fresh-for-ms.",
                            schema = @Schema(type = SchemaType.STRING, enumeration = { "STALE", "HIT" })) })
    @APIResponse(responseCode = "400", description = "Invalid path parameters; the upstream was not called.",
            content = @Content(mediaType = ProblemResponses.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "The upstream has no such conversation for this inbox and contact: "
            + "it said so now, or (X-Cache: HIT) less than lookup.not-found.fresh-for-ms or lookup.fresh-for-ms ago.",
            content = @Content(mediaType = ProblemResponses.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)),
            headers = {
                    @Header(name = X_CACHE, description = "HIT when the upstream's 404 is remembered, not read now.",
                            schema = @Schema(type = SchemaType.STRING, enumeration = { "HIT" })),
                    @Header(name = "Age", description = "Seconds since the upstream said so, when remembered.",
                            schema = @Schema(type = SchemaType.INTEGER)) })
    @APIResponse(responseCode = "406", description = "The Accept header does not allow JSON.",
            content = @Content(mediaType = ProblemResponses.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "500", description = "An unexpected failure of this service.",
            content = @Content(mediaType = ProblemResponses.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "502", description = "The upstream failed: 5xx, unreachable, malformed body or unexpected status.",
            content = @Content(mediaType = ProblemResponses.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "Circuit open, too many lookups in flight, the upstream rate limits, "
            + "or this service's cap on upstream calls per minute is reached (problem type "
            + "urn:omnivibe-lookup:problem:upstream-call-limit), and there is no last good copy to serve.",
            content = @Content(mediaType = ProblemResponses.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)),
            headers = @Header(name = HttpHeaders.RETRY_AFTER, description = "Seconds to wait before trying again.",
                    schema = @Schema(type = SchemaType.INTEGER)))
    @APIResponse(responseCode = "504", description = "The upstream did not answer within the lookup budget.",
            content = @Content(mediaType = ProblemResponses.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    public Uni<RestResponse<byte[]>> lookup(
            @Parameter(description = "Token of the API inbox." + IDENTIFIER_RULES,
                    schema = @Schema(type = SchemaType.STRING, minLength = 1, maxLength = LookupRequests.MAX_IDENTIFIER_LENGTH))
            @RestPath("inbox_identifier") String inboxIdentifier,
            @Parameter(description = "The contact's source_id in that inbox, a secret credential." + IDENTIFIER_RULES,
                    schema = @Schema(type = SchemaType.STRING, minLength = 1, maxLength = LookupRequests.MAX_IDENTIFIER_LENGTH))
            @RestPath("contact_identifier") String contactIdentifier,
            @Parameter(description = "The conversation's display number: a positive integer that fits a signed 64-bit long.",
                    schema = @Schema(type = SchemaType.INTEGER, format = "int64", minimum = "1", maximum = "9223372036854775807"))
            @RestPath("conversation_id") String conversationId,
            @Parameter(description = "Entity tags of documents the caller already has (from ETag); when one is current, "
                    + "the answer is 304 without a body.")
            @RestHeader(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch,
            @Context HttpServerRequest request) {
        LookupProgress progress = service.begin(callers.of(request));
        Span requestSpan = Span.current();
        ConversationKey key;
        try {
            key = LookupRequests.parse(inboxIdentifier, contactIdentifier, conversationId);
        } catch (InvalidLookupRequestException invalid) {
            observer.lookupEnded(LookupReport.invalidInput(progress.elapsed()), requestSpan);
            throw invalid;
        }
        return service.lookup(key, progress)
                .onCancellation().invoke(() -> observer.lookupEnded(report(LookupOutcome.ABANDONED, LookupOutcome.ABANDONED.status(),
                        key, progress), requestSpan))
                .onFailure().invoke(failure -> {
                    LookupOutcome outcome = ProblemResponses.outcomeOf(failure);
                    observer.lookupEnded(report(outcome, outcome.status(), key, progress), requestSpan);
                })
                .map(result -> {
                    RestResponse<byte[]> response = toResponse(result, ifNoneMatch);
                    LookupOutcome outcome = switch (result.freshness()) {
                        case FRESH -> LookupOutcome.FRESH;
                        case RECENT -> LookupOutcome.RECENT;
                        case STALE -> LookupOutcome.STALE;
                    };
                    observer.lookupEnded(report(outcome, response.getStatus(), key, progress), requestSpan);
                    return response;
                });
    }

    private static LookupReport report(LookupOutcome outcome, int status, ConversationKey key, LookupProgress progress) {
        return new LookupReport(outcome, status, key, progress.attempts(), progress.joined(), progress.elapsed());
    }

    /**
     * The document, or 304 when the caller already has it: the upstream was still read, so the
     * answer is as current as a 200; only the transfer is saved.
     */
    private static RestResponse<byte[]> toResponse(LookupResult result, String ifNoneMatch) {
        RestResponse.ResponseBuilder<byte[]> response = IfNoneMatch.matches(ifNoneMatch, result.etag())
                ? RestResponse.ResponseBuilder.<byte[]> create(RestResponse.Status.NOT_MODIFIED)
                : RestResponse.ResponseBuilder.ok(result.json(), MediaType.APPLICATION_JSON_TYPE);
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        DocumentHeaders.write(result, headers);
        headers.forEach(header -> response.header(header.getKey(), header.getValue()));
        return response.build();
    }
}

package io.omnivibe.api;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.omnivibe.changes.MalformedDeliveryException;
import io.omnivibe.changes.UnauthorizedDeliveryException;
import io.omnivibe.observability.LookupOutcome;
import io.omnivibe.process.FatalErrors;
import io.omnivibe.resilience.Failures;
import io.omnivibe.resilience.LookupTimeoutException;
import io.omnivibe.resilience.RetryAfterBeyondBudgetException;
import io.omnivibe.resilience.ShareSpentException;
import io.omnivibe.resilience.UpstreamState;
import io.omnivibe.upstream.BodyBudgetSpentException;
import io.omnivibe.upstream.ConversationNotFoundException;
import io.omnivibe.upstream.MalformedUpstreamResponseException;
import io.omnivibe.upstream.UnexpectedUpstreamStatusException;
import io.omnivibe.upstream.UpstreamBodyTooLargeException;
import io.omnivibe.upstream.UpstreamException;
import io.omnivibe.upstream.UpstreamRateLimitedException;
import io.omnivibe.upstream.UpstreamServerErrorException;
import io.omnivibe.upstream.UpstreamTransportException;
import io.smallrye.faulttolerance.api.RateLimitException;

/**
 * Turns every failure into an RFC 9457 problem. Details are our own words: no stack trace, no
 * upstream body and no identifier ever reaches a response.
 */
public class ProblemResponses {

    static final String PROBLEM_JSON = "application/problem+json";
    private static final Duration SHORT_PAUSE = Duration.ofSeconds(1);
    private static final Logger LOG = Logger.getLogger(ProblemResponses.class);

    private final UpstreamState upstreamState;

    ProblemResponses(UpstreamState upstreamState) {
        this.upstreamState = upstreamState;
    }

    @ServerExceptionMapper
    RestResponse<Problem> invalidRequest(InvalidLookupRequestException e) {
        return problem(ProblemType.INVALID_REQUEST, e.getMessage());
    }

    @ServerExceptionMapper
    RestResponse<Problem> unauthorizedDelivery(UnauthorizedDeliveryException e) {
        return problem(ProblemType.WEBHOOK_UNAUTHORIZED, e.getMessage());
    }

    @ServerExceptionMapper
    RestResponse<Problem> malformedDelivery(MalformedDeliveryException e) {
        return problem(ProblemType.WEBHOOK_MALFORMED, "The delivery is signed, but " + e.getMessage() + ".");
    }

    /**
     * A request body that stopped arriving: its sender went away, or it was cut off for taking too
     * long (RequestBodyAdmission). Nobody waits for the answer, and nothing here went wrong.
     */
    @ServerExceptionMapper
    RestResponse<Problem> bodyCutOff(IOException e) {
        // Only the body's own read fails with a plain IOException; a subclass (Jackson's, say) is a fault here.
        if (e.getClass() != IOException.class) {
            return unexpected(e);
        }
        LOG.debugf("Request body cut off: %s", e);
        return problem(ProblemType.BODY_INCOMPLETE, "The request body ended before its announced length.");
    }

    /** The upstream's 404; when remembered, with {@code X-Cache: HIT} and its {@code Age}, as a remembered copy is answered. */
    @ServerExceptionMapper
    RestResponse<Problem> notFound(ConversationNotFoundException e) {
        RestResponse.ResponseBuilder<Problem> response = problemBuilder(Problem.of(ProblemType.CONVERSATION_NOT_FOUND,
                "The upstream has no such conversation for this inbox and contact."));
        e.age().ifPresent(age -> response.header(DocumentHeaders.X_CACHE_NAME, "HIT").header("Age", age.toSeconds()));
        return response.build();
    }

    @ServerExceptionMapper
    RestResponse<Problem> upstreamError(UpstreamServerErrorException e) {
        return problem(ProblemType.UPSTREAM_ERROR, "The upstream answered HTTP " + e.status() + ".");
    }

    @ServerExceptionMapper
    RestResponse<Problem> unreachable(UpstreamTransportException e) {
        return problem(ProblemType.UPSTREAM_UNREACHABLE, "The upstream could not be reached or its answer was incomplete.");
    }

    @ServerExceptionMapper
    RestResponse<Problem> malformed(MalformedUpstreamResponseException e) {
        return problem(ProblemType.UPSTREAM_MALFORMED_RESPONSE, "The upstream's answer was not a conversation.");
    }

    @ServerExceptionMapper
    RestResponse<Problem> unexpectedStatus(UnexpectedUpstreamStatusException e) {
        return problem(ProblemType.UPSTREAM_UNEXPECTED_STATUS, "The upstream answered unexpected HTTP " + e.status() + ".");
    }

    @ServerExceptionMapper
    RestResponse<Problem> bodyTooLarge(UpstreamBodyTooLargeException e) {
        return problem(ProblemType.UPSTREAM_BODY_TOO_LARGE, "The upstream's conversation is larger than this service accepts.");
    }

    @ServerExceptionMapper
    RestResponse<Problem> bodyBudget(BodyBudgetSpentException e) {
        return retryLater(ProblemType.UPSTREAM_BODY_BUDGET, "Upstream answers being read already hold the memory set aside for them.",
                SHORT_PAUSE);
    }

    @ServerExceptionMapper
    RestResponse<Problem> rateLimited(UpstreamRateLimitedException e) {
        return retryLater(ProblemType.UPSTREAM_RATE_LIMITED, "The upstream is rate limiting lookups.",
                e.retryAfter().orElse(SHORT_PAUSE));
    }

    @ServerExceptionMapper
    RestResponse<Problem> retryAfterBeyondBudget(RetryAfterBeyondBudgetException e) {
        return retryLater(ProblemType.UPSTREAM_RATE_LIMITED, "The upstream asked to retry later than this lookup could wait.",
                e.retryAfter());
    }

    @ServerExceptionMapper
    RestResponse<Problem> callLimit(RateLimitException e) {
        return retryLater(ProblemType.UPSTREAM_CALL_LIMIT, e instanceof ShareSpentException
                ? "Your share of this service's upstream calls is spent for now; the upstream's quota"
                        + " is shared by all callers."
                : "This service's upstream calls for the last minute are spent; the upstream's quota is shared by all callers.",
                Duration.ofMillis(e.getRetryAfterMillis()));
    }

    @ServerExceptionMapper
    RestResponse<Problem> circuitOpen(CircuitBreakerOpenException e) {
        return retryLater(ProblemType.CIRCUIT_OPEN, "The upstream has been failing; lookups pause before trying it again.",
                upstreamState.untilCircuitTrial());
    }

    @ServerExceptionMapper
    RestResponse<Problem> overloaded(BulkheadException e) {
        return retryLater(ProblemType.OVERLOADED, "Too many lookups are waiting on the upstream.", SHORT_PAUSE);
    }

    /** The last attempt timed out, or the lookup's whole budget ran out. */
    @ServerExceptionMapper({ TimeoutException.class, LookupTimeoutException.class })
    RestResponse<Problem> timeout(RuntimeException e) {
        return problem(ProblemType.UPSTREAM_TIMEOUT, "The upstream did not answer in time.");
    }

    @ServerExceptionMapper
    RestResponse<Problem> webApplication(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        return switch (status) {
            case 404 -> problem(ProblemType.NOT_FOUND, "No resource at this path.");
            // RFC 9110, 15.5.6: a 405 names the methods the resource has.
            case 405 -> {
                String allowed = e.getResponse().getHeaderString(HttpHeaders.ALLOW);
                String methods = allowed == null || allowed.isBlank() ? "GET, HEAD, OPTIONS" : allowed;
                yield problemBuilder(Problem.of(ProblemType.METHOD_NOT_ALLOWED, "This resource answers " + methods + " only."))
                        .header(HttpHeaders.ALLOW, methods).build();
            }
            case 413 -> problem(ProblemType.WEBHOOK_TOO_LARGE, "The body is longer than this service accepts"
                    + " (lookup.webhooks.max-body-bytes).");
            case 406 -> problem(ProblemType.NOT_ACCEPTABLE, "This resource answers application/json only.");
            default -> {
                Response.StatusType type = Response.Status.fromStatusCode(status);
                String title = type == null ? "HTTP " + status : type.getReasonPhrase();
                // RFC 9457: "about:blank" says the status code alone describes the problem.
                yield problemBuilder(new Problem(URI.create("about:blank"), title, status, title)).build();
            }
        };
    }

    @ServerExceptionMapper
    RestResponse<Problem> unexpected(Throwable e) {
        FatalErrors.endProcessIfFatal(e);
        LOG.errorf("Unexpected failure %s", Failures.describe(e));
        LOG.debug("Unexpected failure", e);
        return problem(ProblemType.INTERNAL_ERROR, "The lookup failed unexpectedly.");
    }

    /** How operators count a lookup that failed with this exception: the same status as its problem. */
    static LookupOutcome outcomeOf(Throwable failure) {
        if (failure instanceof InvalidLookupRequestException) {
            return LookupOutcome.INVALID_REQUEST;
        }
        if (failure instanceof ConversationNotFoundException) {
            return LookupOutcome.NOT_FOUND;
        }
        if (failure instanceof UpstreamRateLimitedException || failure instanceof RetryAfterBeyondBudgetException
                || failure instanceof CircuitBreakerOpenException || failure instanceof BulkheadException
                || failure instanceof RateLimitException || failure instanceof BodyBudgetSpentException) {
            return LookupOutcome.UNAVAILABLE;
        }
        if (failure instanceof UpstreamBodyTooLargeException) {
            return LookupOutcome.BODY_TOO_LARGE;
        }
        if (failure instanceof TimeoutException || failure instanceof LookupTimeoutException) {
            return LookupOutcome.TIMEOUT;
        }
        if (failure instanceof UpstreamException) {
            return LookupOutcome.BAD_GATEWAY;
        }
        return LookupOutcome.INTERNAL_ERROR;
    }

    static RestResponse<Problem> problem(ProblemType type, String detail) {
        return problemBuilder(Problem.of(type, detail)).build();
    }

    static RestResponse<Problem> retryLater(ProblemType type, String detail, Duration retryAfter) {
        long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        return problemBuilder(Problem.of(type, detail)).header(HttpHeaders.RETRY_AFTER, seconds).build();
    }

    private static RestResponse.ResponseBuilder<Problem> problemBuilder(Problem problem) {
        return RestResponse.ResponseBuilder.<Problem> create(problem.status()).entity(problem).type(PROBLEM_JSON);
    }
}

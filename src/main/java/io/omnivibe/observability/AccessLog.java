package io.omnivibe.observability;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * An optional HTTP access log ({@code access-log.enabled}), in place of Quarkus's own,
 * whose patterns print the request path: lookup paths are written as their route template ({@link IdentifierPaths}).
 */
@ApplicationScoped
class AccessLog {

    private static final Logger LOG = Logger.getLogger("io.omnivibe.access");

    void install(@Observes Router router, @ConfigProperty(name = "access-log.enabled") boolean enabled) {
        if (enabled) {
            router.route().order(Integer.MIN_VALUE).handler(AccessLog::logWhenAnswered);
        }
    }

    private static void logWhenAnswered(RoutingContext context) {
        long started = System.nanoTime();
        String method = context.request().method().name();
        String path = IdentifierPaths.masked(context.request().path());
        String client = context.request().remoteAddress() == null ? "-" : context.request().remoteAddress().hostAddress();
        // A caller gone before the answer was sent gets none: 499, as nginx logs it.
        context.addEndHandler(ended -> LOG.infof("%s \"%s %s\" %d %dms", client, method, path,
                ended.succeeded() ? context.response().getStatusCode() : 499, (System.nanoTime() - started) / 1_000_000));
        context.next();
    }

}

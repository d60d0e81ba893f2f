package io.omnivibe.process;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;

/**
 * Wherever a failure can surface outside a lookup's own pipeline (a Vert.x handler, a thread of
 * its own, a Mutiny failure nobody listens to), a {@link VirtualMachineError} ends the process
 * ({@link FatalErrors}); every other failure goes where it went before.
 */
@ApplicationScoped
class FatalErrorHandlers {

    private static final Logger LOG = Logger.getLogger(FatalErrorHandlers.class);

    void onStart(@Observes StartupEvent event, Vertx vertx) {
        FatalErrors.prepare();
        Handler<Throwable> vertxHandler = vertx.exceptionHandler();
        vertx.exceptionHandler(failure -> {
            FatalErrors.endProcessIfFatal(failure);
            if (vertxHandler != null) {
                vertxHandler.handle(failure);
            }
        });
        Thread.UncaughtExceptionHandler threadHandler = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, failure) -> {
            FatalErrors.endProcessIfFatal(failure);
            if (threadHandler != null) {
                threadHandler.uncaughtException(thread, failure);
            }
        });
        // Mutiny has no getter for the handler it replaces; this logs as Quarkus's own does.
        Infrastructure.setDroppedExceptionHandler(failure -> {
            FatalErrors.endProcessIfFatal(failure);
            LOG.error("Mutiny had to drop the following exception", failure);
        });
    }
}

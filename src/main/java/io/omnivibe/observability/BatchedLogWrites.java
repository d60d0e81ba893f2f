package io.omnivibe.observability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.handlers.ConsoleHandler;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Console log lines are written in batches, at most {@link #FLUSH_EVERY} apart, instead of one
 * write to stdout a line: every lookup logs a line, and at thousands of hits a second that write
 * was a tenth of a hit's CPU (bench/profile). Lines reach stdout within that time, and at once on
 * shutdown; a process that halts on a fatal error may lose that long of them. On AWS Lambda, which
 * freezes the process once it has answered (and may never thaw it), every line is written at once.
 */
@ApplicationScoped
class BatchedLogWrites {

    static final Duration FLUSH_EVERY = Duration.ofMillis(100);

    private final List<ExtHandler> consoles = new ArrayList<>();
    private ScheduledExecutorService flusher;

    void start(@Observes StartupEvent started) {
        if (System.getenv("AWS_LAMBDA_RUNTIME_API") != null) {
            return;
        }
        collectConsoles(LogContext.getLogContext().getLogger("").getHandlers());
        if (consoles.isEmpty()) {
            return;
        }
        flusher = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "omnivibe-log-flusher");
            thread.setDaemon(true);
            return thread;
        });
        consoles.forEach(console -> console.setAutoFlush(false));
        flusher.scheduleWithFixedDelay(this::flush, FLUSH_EVERY.toMillis(), FLUSH_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent stopping) {
        if (flusher == null) {
            return;
        }
        flusher.shutdownNow();
        consoles.forEach(console -> console.setAutoFlush(true));
        flush();
    }

    private void flush() {
        consoles.forEach(Handler::flush);
    }

    /** Console handlers may be nested (delayed while the service starts, or asynchronous). */
    private void collectConsoles(Handler[] handlers) {
        for (Handler handler : handlers) {
            if (handler instanceof ConsoleHandler console) {
                consoles.add(console);
            } else if (handler instanceof ExtHandler parent) {
                collectConsoles(parent.getHandlers());
            }
        }
    }
}

package io.omnivibe.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.jboss.logmanager.ExtLogRecord;

/**
 * Everything logged in this JVM while attached, down to DEBUG, with the trace id the line was
 * logged under and the full text of any exception (messages, causes, stack traces), so that tests
 * can look for what must never appear. Records of the test's own HTTP client are left out: they
 * are not the service's.
 */
public final class CapturedLog extends Handler implements AutoCloseable {

    /** REST Assured's HTTP client runs in this JVM too, and prints the paths the test sends. */
    private static final String TEST_CLIENT_LOGGERS = "org.apache.http";

    private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
    private final Logger root = Logger.getLogger("");
    private final Level previousLevel = root.getLevel();

    private CapturedLog() {
        setLevel(Level.ALL);
    }

    public static CapturedLog attach() {
        CapturedLog log = new CapturedLog();
        log.root.addHandler(log);
        log.root.setLevel(Level.FINE);
        return log;
    }

    @Override
    public void publish(LogRecord record) {
        if (String.valueOf(record.getLoggerName()).startsWith(TEST_CLIENT_LOGGERS)) {
            return;
        }
        StringBuilder line = new StringBuilder(record.getLoggerName() + " " + record.getLevel() + " ");
        // Read while the record is published, on the thread (and Vert.x context) that logged it.
        if (record instanceof ExtLogRecord withContext && withContext.getMdc("traceId") != null) {
            line.append("traceId=").append(withContext.getMdc("traceId")).append(' ');
        }
        String message = record.getMessage();
        Object[] parameters = record.getParameters();
        line.append(message);
        if (parameters != null) {
            for (Object parameter : parameters) {
                line.append(' ').append(parameter);
            }
        }
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            line.append(' ').append(trace);
        }
        lines.add(line.toString());
    }

    public String text() {
        return String.join("\n", lines);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        root.removeHandler(this);
        root.setLevel(previousLevel);
    }
}

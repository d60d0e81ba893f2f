package io.omnivibe.process;

import org.jboss.logging.Logger;

/**
 * A process that met a {@link VirtualMachineError} (out of memory, stack overflow, an internal JVM
 * error) cannot be trusted to serve anything again, and would keep its place while it fails: it
 * ends at once so that the platform replaces it. Ending the process is what every platform sees: an
 * orchestrator restarts the container, Lambda starts a new instance; a liveness probe alone would
 * not reach Lambda.
 */
public final class FatalErrors {

    /** The code the JVM exits with on -XX:+ExitOnOutOfMemoryError, so that both read the same. */
    public static final int EXIT_CODE = 3;
    private static final Logger LOG = Logger.getLogger(FatalErrors.class);

    private FatalErrors() {
    }

    /** Ends the process when {@code failure}, or any of its causes, is a {@link VirtualMachineError}. */
    public static void endProcessIfFatal(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof VirtualMachineError fatal) {
                end(fatal);
            }
        }
    }

    private static void end(VirtualMachineError fatal) {
        try {
            LOG.fatalf("%s: the process can no longer be trusted and exits with code %d so that it is replaced",
                    fatal.getClass().getName(), EXIT_CODE);
        } finally {
            // Not System.exit: shutdown hooks would run in a broken process and could hang it.
            Runtime.getRuntime().halt(EXIT_CODE);
        }
    }
}

package io.omnivibe.process;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

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

    /*
     * The last line is encoded before anything fails: a process out of memory may not allocate a
     * log record, and the logger swallows its own failures, so the line was sometimes lost. Like
     * the JVM's own "Terminating due to ..." line, it goes straight to stderr.
     */
    private static final Map<Class<?>, byte[]> LINES = Stream.of(OutOfMemoryError.class, StackOverflowError.class,
            InternalError.class, UnknownError.class, VirtualMachineError.class)
            .collect(Collectors.toUnmodifiableMap(Function.identity(), FatalErrors::line));

    private FatalErrors() {
    }

    /** Loads the class and its last lines while memory is plentiful; called once on start. */
    static void prepare() {
        // the static initialiser has done the work
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
            byte[] line = LINES.getOrDefault(fatal.getClass(), LINES.get(VirtualMachineError.class));
            System.err.write(line, 0, line.length);
            System.err.flush();
        } finally {
            // Not System.exit: shutdown hooks would run in a broken process and could hang it.
            Runtime.getRuntime().halt(EXIT_CODE);
        }
    }

    private static byte[] line(Class<?> kind) {
        return ("FATAL " + kind.getName() + ": the process can no longer be trusted and exits with code " + EXIT_CODE
                + " so that it is replaced" + System.lineSeparator()).getBytes(StandardCharsets.UTF_8);
    }
}

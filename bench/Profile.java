import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Reads a JDK Flight Recorder file and says where the CPU went, by part of the stack. Each CPU
 * sample is charged to the innermost frame that belongs to a known library (a JDK method counts
 * for the library that called it: SHA-256 called by the service counts as the service's), or to
 * system calls when it was taken in a native method (a socket's read or write, epoll, waking
 * another thread); the microseconds are the shares times the CPU a request measured while
 * recording. It reads the CPU-time samples of JDK 25 and later when the recording has them: they
 * are taken wherever a thread spends CPU, in system calls too. Older JDKs' execution samples see
 * Java code only, and miss many of its samples as well.
 *
 *   java bench/Profile.java recording.jfr [CPU µs per request]
 */
public class Profile {

    private static final String OWN = "this service's code";
    private static final String SYSTEM_CALLS = "system calls (sockets, epoll, wake-ups, log writes)";
    private static final String CPU_TIME_SAMPLE = "jdk.CPUTimeSample";

    /** Package prefixes and the part they belong to; the first match wins, so narrower ones come first. */
    private static final Map<String, String> PARTS = new LinkedHashMap<>();

    static {
        PARTS.put("io.omnivibe.", OWN);
        PARTS.put("floor.", OWN);
        PARTS.put("io.netty.", "Netty");
        PARTS.put("io.vertx.redis.", "Redis client");
        PARTS.put("io.quarkus.redis.", "Redis client");
        PARTS.put("io.vertx.", "Vert.x");
        PARTS.put("io.quarkus.vertx.", "Vert.x");
        PARTS.put("org.jboss.resteasy.reactive.client.", "REST client");
        PARTS.put("io.quarkus.rest.client.", "REST client");
        PARTS.put("org.jboss.resteasy.reactive.", "RESTEasy Reactive (server, common)");
        PARTS.put("io.quarkus.resteasy.reactive.", "RESTEasy Reactive (server, common)");
        PARTS.put("io.quarkus.rest.", "RESTEasy Reactive (server, common)");
        PARTS.put("com.fasterxml.jackson.", "Jackson");
        PARTS.put("io.smallrye.faulttolerance.", "SmallRye Fault Tolerance");
        PARTS.put("io.quarkus.smallrye.faulttolerance.", "SmallRye Fault Tolerance");
        PARTS.put("io.opentelemetry.", "OpenTelemetry");
        PARTS.put("io.quarkus.opentelemetry.", "OpenTelemetry");
        PARTS.put("io.micrometer.", "Micrometer");
        PARTS.put("io.prometheus.", "Micrometer");
        PARTS.put("io.quarkus.micrometer.", "Micrometer");
        PARTS.put("io.smallrye.context.", "context propagation");
        PARTS.put("io.quarkus.smallrye.context.", "context propagation");
        PARTS.put("org.jboss.logmanager.", "logging");
        PARTS.put("org.jboss.logging.", "logging");
        PARTS.put("io.quarkus.bootstrap.logging.", "logging");
        PARTS.put("com.github.benmanes.caffeine.", "Caffeine");
        PARTS.put("io.smallrye.mutiny.", "Mutiny");
        PARTS.put("io.quarkus.arc.", "ArC (CDI)");
        PARTS.put("io.quarkus.", "Quarkus, other");
        PARTS.put("io.smallrye.", "SmallRye, other");
    }

    private static final String JDK = "other JDK and JVM";

    public static void main(String[] args) throws Exception {
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8));
        List<RecordedEvent> events = RecordingFile.readAllEvents(Path.of(args[0]));
        String sampleType = events.stream().anyMatch(event -> event.getEventType().getName().equals(CPU_TIME_SAMPLE))
                ? CPU_TIME_SAMPLE
                : "jdk.ExecutionSample";
        double microsPerRequest = args.length > 1 ? Double.parseDouble(args[1]) : Double.NaN;
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> onStack = new HashMap<>();
        Map<String, Integer> methods = new HashMap<>();
        Map<String, Integer> ownMethodsOnStack = new HashMap<>();
        Map<String, Integer> ownCharged = new HashMap<>();
        long gcNanos = 0;
        int samples = 0;
        for (RecordedEvent event : events) {
            String type = event.getEventType().getName();
            if (type.equals("jdk.GarbageCollection")) {
                gcNanos += event.getDuration().toNanos();
            }
            if (!type.equals(sampleType) || event.getStackTrace() == null) {
                continue;
            }
            samples++;
            List<RecordedFrame> frames = event.getStackTrace().getFrames();
            String charged = chargedPart(frames);
            self.merge(charged, 1, Integer::sum);
            if (charged.equals(OWN) && !frames.isEmpty()) {
                ownCharged.merge(name(frames.get(0)), 1, Integer::sum);
            }
            if (!frames.isEmpty()) {
                methods.merge(name(frames.get(0)), 1, Integer::sum);
            }
            Set<String> parts = new HashSet<>(Set.of(charged));
            Set<String> own = new HashSet<>();
            for (RecordedFrame frame : frames) {
                String part = partOf(frame);
                parts.add(part == null ? JDK : part);
                if (name(frame).startsWith("io.omnivibe.")) {
                    own.add(name(frame));
                }
            }
            parts.forEach(part -> onStack.merge(part, 1, Integer::sum));
            own.forEach(method -> ownMethodsOnStack.merge(method, 1, Integer::sum));
        }
        if (samples == 0) {
            System.out.println("no CPU samples in " + args[0]);
            return;
        }
        System.out.printf("%d CPU samples (%s); garbage collection paused the service %.0f ms in all%n%n", samples, sampleType, gcNanos / 1e6);
        System.out.println("| Part | self | on the stack |");
        System.out.println("| --- | --- | --- |");
        int total = samples;
        self.entrySet().stream().sorted(Map.Entry.<String, Integer> comparingByValue().reversed())
                .forEach(part -> System.out.printf("| %s | %s | %.1f %% |%n", part.getKey(), share(part.getValue(), total, microsPerRequest),
                        100.0 * onStack.getOrDefault(part.getKey(), 0) / total));
        System.out.println();
        System.out.println("Hottest methods (innermost frame):");
        top(methods, total, 15);
        System.out.println();
        System.out.println("Charged to this service's code (innermost frame):");
        top(ownCharged, total, 10);
        System.out.println();
        System.out.println("This service's methods on the stack (inclusive):");
        top(ownMethodsOnStack, total, 20);
    }

    private static String share(int count, int total, double microsPerRequest) {
        double percent = 100.0 * count / total;
        return Double.isNaN(microsPerRequest) ? String.format("%.1f %%", percent)
                : String.format("%.1f %% (%.0f \u00b5s)", percent, percent / 100 * microsPerRequest);
    }

    private static void top(Map<String, Integer> counts, int total, int limit) {
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer> comparingByValue().reversed()).limit(limit)
                .forEach(method -> System.out.printf("  %5.1f %%  %s%n", 100.0 * method.getValue() / total, method.getKey()));
    }

    private static String chargedPart(List<RecordedFrame> frames) {
        if (!frames.isEmpty() && frames.get(0).getType().equals("Native")) {
            return SYSTEM_CALLS;
        }
        for (RecordedFrame frame : frames) {
            String part = partOf(frame);
            if (part != null) {
                return part;
            }
        }
        return JDK;
    }

    private static String partOf(RecordedFrame frame) {
        if (!frame.isJavaFrame() || frame.getMethod() == null) {
            return null;
        }
        String type = frame.getMethod().getType().getName();
        for (Map.Entry<String, String> part : PARTS.entrySet()) {
            if (type.startsWith(part.getKey())) {
                return part.getValue();
            }
        }
        return null;
    }

    private static String name(RecordedFrame frame) {
        return frame.getMethod() == null ? "?" : frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }
}

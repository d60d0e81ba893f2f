import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import com.sun.tools.attach.VirtualMachine;

/**
 * The chaos soak's callers and judge: {@code callers} threads look up random conversations
 * (1-5000) of the service for {@code minutes}, while a probe checks liveness every 5 s and a sampler
 * reads the service's RSS and its heap after a full GC every 30 s. It prints what it saw and exits 1
 * when a bound is broken. Started by {@code soak/run}; run on its own with
 * {@code java soak/Soak.java <service URL> <management URL> <service pid> [minutes] [callers]}.
 */
public class Soak {

    static final Duration SLOWEST_ACCEPTED = Duration.ofMillis(5_500);
    static final Duration LIVENESS_BOUND = Duration.ofSeconds(1);
    static final double MEMORY_GROWTH_BOUND = 1.25;
    static final double HEALTHY_OK_BOUND = 0.95;
    static final double HEALTHY_FRESH_BOUND = 0.90;

    final String service;
    final String management;
    final long pid;
    final Duration length;
    final int callers;
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
    final LongAdder fresh = new LongAdder();
    final LongAdder stale = new LongAdder();
    final LongAdder healthy = new LongAdder();
    final LongAdder healthyOk = new LongAdder();
    final LongAdder healthyFresh = new LongAdder();
    final LongAdder tooSlow = new LongAdder();
    final LongAdder socketErrors = new LongAdder();
    final List<long[]> latencies = new ArrayList<>();
    final List<String> broken = Collections.synchronizedList(new ArrayList<>());
    final List<String> memory = new ArrayList<>();
    final LongAdder probes = new LongAdder();
    volatile long slowestProbe;
    volatile boolean running = true;
    MemoryMXBean memoryBean;

    Soak(String service, String management, long pid, Duration length, int callers) {
        this.service = service;
        this.management = management;
        this.pid = pid;
        this.length = length;
        this.callers = callers;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: java soak/Soak.java <service URL> <management URL> <service pid> [minutes] [callers]");
            System.exit(2);
        }
        Soak soak = new Soak(args[0], args[1], Long.parseLong(args[2]),
                Duration.ofMinutes(args.length > 3 ? Long.parseLong(args[3]) : 10), args.length > 4 ? Integer.parseInt(args[4]) : 32);
        System.exit(soak.run() ? 0 : 1);
    }

    /** Whether the upstream's fault mix (soak/upstream/mappings) answers this conversation normally. */
    static boolean healthy(long conversationId) {
        return conversationId % 100 >= 18;
    }

    boolean run() throws Exception {
        // Attaching starts the service's management agent: done before the load, not during it.
        serviceMemory();
        long started = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            threads.add(new Thread(this::call, "caller-" + i));
        }
        threads.forEach(Thread::start);
        Thread probe = new Thread(() -> probeLiveness(started), "liveness");
        probe.start();

        long[] firstMinute = null;
        long[] last = null;
        for (long next = 30; ; next += 30) {
            sleepUntil(started + Duration.ofSeconds(next).toNanos());
            if (System.nanoTime() - started >= length.toNanos()) {
                break;
            }
            last = sampleMemory(Duration.ofNanos(System.nanoTime() - started));
            if (next == 60) {
                firstMinute = last;
            }
        }
        running = false;
        for (Thread thread : threads) {
            thread.join();
        }
        probe.join();
        last = sampleMemory(Duration.ofNanos(System.nanoTime() - started));
        if (firstMinute != null) {
            judgeGrowth("RSS", firstMinute[0], last[0]);
            judgeGrowth("heap after GC", firstMinute[1], last[1]);
        }
        return report(Duration.ofNanos(System.nanoTime() - started));
    }

    void call() {
        long[] mine = new long[1 << 16];
        int count = 0;
        while (running) {
            long id = ThreadLocalRandom.current().nextLong(1, 5001);
            HttpRequest request = HttpRequest.newBuilder(URI.create(service
                    + "/inboxes/soak-inbox-token/contacts/soak-contact/conversations/" + id))
                    .timeout(Duration.ofSeconds(30)).build();
            long began = System.nanoTime();
            int status;
            boolean isStale = false;
            try {
                HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
                status = response.statusCode();
                isStale = response.headers().firstValue("X-Cache").isPresent();
            } catch (IOException e) {
                socketErrors.increment();
                status = -1;
            } catch (InterruptedException e) {
                return;
            }
            long took = System.nanoTime() - began;
            if (count == mine.length) {
                mine = Arrays.copyOf(mine, mine.length * 2);
            }
            mine[count++] = took;
            if (took > SLOWEST_ACCEPTED.toNanos()) {
                tooSlow.increment();
            }
            statuses.computeIfAbsent(status, s -> new LongAdder()).increment();
            if (status == 200) {
                (isStale ? stale : fresh).increment();
            }
            if (healthy(id)) {
                healthy.increment();
                if (status == 200) {
                    healthyOk.increment();
                    if (!isStale) {
                        healthyFresh.increment();
                    }
                }
            }
        }
        synchronized (latencies) {
            latencies.add(Arrays.copyOf(mine, count));
        }
    }

    /** Probes as an orchestrator does, on a client of its own so that it never queues behind the callers. */
    void probeLiveness(long started) {
        HttpClient prober = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(management + "/q/health/live")).timeout(Duration.ofSeconds(10)).build();
        while (running) {
            long began = System.nanoTime();
            long at = Duration.ofNanos(began - started).toSeconds();
            try {
                int status = prober.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                Duration took = Duration.ofNanos(System.nanoTime() - began);
                slowestProbe = Math.max(slowestProbe, took.toMillis());
                probes.increment();
                if (status != 200 || took.compareTo(LIVENESS_BOUND) > 0) {
                    broken.add("liveness answered " + status + " in " + took.toMillis() + " ms, " + at + " s into the run");
                }
            } catch (IOException e) {
                broken.add("liveness probe failed " + at + " s into the run: " + e);
            } catch (InterruptedException e) {
                return;
            }
            sleepUntil(began + Duration.ofSeconds(5).toNanos());
        }
    }

    /**
     * RSS and heap used after a full GC, in kB. The heap is read through the service's own memory
     * MXBean, reached with the JDK's attach API once, so that sampling starts no process.
     */
    long[] sampleMemory(Duration at) throws Exception {
        long rss = 0;
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        MemoryMXBean heapBean = serviceMemory();
        heapBean.gc();
        long heap = heapBean.getHeapMemoryUsage().getUsed() / 1024;
        String line = String.format(Locale.ROOT, "%4ds  RSS %6.1f MB  heap after GC %6.1f MB  lookups %d", at.toSeconds(),
                rss / 1024.0, heap / 1024.0, statuses.values().stream().mapToLong(LongAdder::sum).sum());
        memory.add(line);
        System.out.println(line);
        return new long[] { rss, heap };
    }

    MemoryMXBean serviceMemory() throws Exception {
        if (memoryBean == null) {
            VirtualMachine vm = VirtualMachine.attach(String.valueOf(pid));
            try {
                JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(vm.startLocalManagementAgent()));
                memoryBean = ManagementFactory.newPlatformMXBeanProxy(connector.getMBeanServerConnection(),
                        ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
            } finally {
                vm.detach();
            }
        }
        return memoryBean;
    }

    void judgeGrowth(String what, long afterFirstMinute, long atEnd) {
        if (atEnd > afterFirstMinute * MEMORY_GROWTH_BOUND) {
            broken.add(String.format(Locale.ROOT, "%s grew from %.1f MB after the first minute to %.1f MB", what,
                    afterFirstMinute / 1024.0, atEnd / 1024.0));
        }
    }

    boolean report(Duration took) {
        long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        long lookups = all.length;
        double healthyOkShare = healthyOk.sum() / (double) Math.max(1, healthy.sum());
        double healthyFreshShare = healthyFresh.sum() / (double) Math.max(1, healthy.sum());
        if (tooSlow.sum() > 0) {
            broken.add(tooSlow.sum() + " lookups answered after " + SLOWEST_ACCEPTED.toMillis() + " ms");
        }
        if (socketErrors.sum() > 0) {
            broken.add(socketErrors.sum() + " socket errors");
        }
        if (healthyOkShare < HEALTHY_OK_BOUND) {
            broken.add(String.format(Locale.ROOT, "healthy conversations answered 200 only %.1f %% of the time", 100 * healthyOkShare));
        }
        if (healthyFreshShare < HEALTHY_FRESH_BOUND) {
            broken.add(String.format(Locale.ROOT, "healthy conversations answered fresh only %.1f %% of the time", 100 * healthyFreshShare));
        }
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            broken.add("the service is no longer running");
        }

        System.out.printf(Locale.ROOT, "%n## Soak: %d callers, %d s, %d lookups (%.0f/s)%n%n", callers, took.toSeconds(), lookups,
                lookups / (double) Math.max(1, took.toSeconds()));
        Map<Integer, Long> byStatus = new TreeMap<>();
        statuses.forEach((status, count) -> byStatus.put(status, count.sum()));
        System.out.println("| status | lookups | share |\n| --- | --- | --- |");
        byStatus.forEach((status, count) -> System.out.printf(Locale.ROOT, "| %s | %d | %.1f %% |%n",
                status == -1 ? "socket error" : status, count, 100.0 * count / Math.max(1, lookups)));
        System.out.printf(Locale.ROOT, "%n200 fresh %d, stale %d%n", fresh.sum(), stale.sum());
        System.out.printf(Locale.ROOT, "healthy conversations: %d lookups, %.2f %% answered 200, %.2f %% fresh%n", healthy.sum(),
                100 * healthyOkShare, 100 * healthyFreshShare);
        if (lookups > 0) {
            System.out.printf(Locale.ROOT, "latency: p50 %.1f ms, p99 %.1f ms, max %.1f ms; answered after %d ms: %d%n",
                    all[(int) (lookups * 0.50)] / 1e6, all[(int) Math.min(lookups - 1, lookups * 0.99)] / 1e6, all[all.length - 1] / 1e6,
                    SLOWEST_ACCEPTED.toMillis(), tooSlow.sum());
        }
        System.out.println("socket errors: " + socketErrors.sum());
        System.out.println("liveness: " + probes.sum() + " probes, slowest " + slowestProbe + " ms");
        System.out.println("\nmemory every 30 s:");
        memory.forEach(System.out::println);
        System.out.println();
        if (broken.isEmpty()) {
            System.out.println("PASS: every bound held");
            return true;
        }
        broken.forEach(problem -> System.out.println("FAIL: " + problem));
        return false;
    }

    static void sleepUntil(long nanoTime) {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            try {
                Thread.sleep(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}

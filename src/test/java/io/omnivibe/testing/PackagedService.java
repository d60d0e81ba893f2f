package io.omnivibe.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged service in a process of its own, started as a user starts it: the JVM package
 * ({@code target/quarkus-app}) or, after a native build, the native executable, whichever the
 * build last produced. Runtime options a test gives ({@code -Xmx}, {@code -XX:}, {@code -D}) are
 * understood by both; the console goes to a file.
 */
public final class PackagedService implements AutoCloseable {

    public static final Path APP = Path.of("target", "quarkus-app");
    /** Quarkus's start-up line names the ports it bound: the lookup port, then the management port (a JSON line goes on after it). */
    private static final Pattern LISTENING = Pattern.compile("Listening on: https?://[^ ]*?:(\\d+)\\. Management interface listening on https?://[^ ]*?:(\\d+)\\.");
    private static final Path ARTIFACT = Path.of("target", "quarkus-artifact.properties");

    private final Process process;
    private final int port;
    private final int managementPort;
    private final Path console;
    private final HttpClient client = HttpClient.newHttpClient();

    private PackagedService(Process process, int port, int managementPort, Path console) {
        this.process = process;
        this.port = port;
        this.managementPort = managementPort;
        this.console = console;
    }

    /**
     * Starts the service and waits until it is live. It binds ports the system chooses (port 0)
     * and says which in its start-up line: a port chosen here and then released could be taken by
     * another process before the service binds it.
     */
    public static PackagedService start(List<String> jvmOptions, Map<String, String> environment) throws IOException {
        List<String> options = new ArrayList<>(jvmOptions);
        options.addAll(List.of("-Dquarkus.http.port=0", "-Dquarkus.management.port=0"));
        ProcessBuilder launch = new ProcessBuilder(command(options)).redirectErrorStream(true);
        launch.environment().putAll(environment);
        Path console = Files.createTempFile("omnivibe-lookup", ".log");
        launch.redirectOutput(console.toFile());
        Process process = launch.start();
        try {
            return awaitLive(process, console);
        } catch (RuntimeException notStarted) {
            // A service that did not come up must not outlive the test that started it.
            process.destroyForcibly();
            throw notStarted;
        }
    }

    private static PackagedService awaitLive(Process process, Path console) {
        String started = await().atMost(Duration.ofSeconds(60))
                .failFast("the service exited; its console: " + console, () -> !process.isAlive())
                .until(() -> Files.readString(console).lines().filter(line -> LISTENING.matcher(line).find()).findFirst(),
                        Optional::isPresent)
                .orElseThrow();
        Matcher ports = LISTENING.matcher(started);
        ports.find();
        PackagedService service = new PackagedService(process, Integer.parseInt(ports.group(1)), Integer.parseInt(ports.group(2)), console);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .failFast("the service exited; its console: " + console, () -> !service.isAlive())
                .until(() -> service.management("/q/health/live").statusCode() == 200);
        return service;
    }

    /** A request to the lookup port. */
    public HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
        return send(uri(path));
    }

    /** A request to the lookup port with these headers. */
    public HttpResponse<byte[]> get(String path, Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
        headers.forEach(request::header);
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** A request to the management port: health and metrics. */
    public HttpResponse<byte[]> management(String path) throws IOException, InterruptedException {
        return send(URI.create("http://127.0.0.1:" + managementPort + path));
    }

    /** Where the management port listens, host:port, for a scraper. */
    public String managementAddress() {
        return "127.0.0.1:" + managementPort;
    }

    /** A POST to the lookup port. */
    public HttpResponse<byte[]> post(String path, Map<String, String> headers, byte[] body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The readiness document, without spaces. */
    public String readiness() throws IOException, InterruptedException {
        return new String(management("/q/health/ready").body(), StandardCharsets.UTF_8).replace(" ", "");
    }

    /** The sum of the series of {@code name} whose labels include every one of {@code labels} ({@code name="value"}). */
    public double metric(String name, String... labels) throws IOException, InterruptedException {
        return new String(management("/q/metrics").body(), StandardCharsets.UTF_8).lines()
                .filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .filter(line -> Arrays.stream(labels).allMatch(line::contains))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    private HttpResponse<byte[]> send(URI uri) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    public String console() throws IOException {
        return Files.readString(console);
    }

    /** The exit code of the process, once it has exited. */
    public int exitValue() {
        return process.exitValue();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Sends SIGTERM, as an orchestrator does to stop a pod, and returns at once. */
    public void terminate() {
        process.destroy();
    }

    /** Whether the process exited within {@code time}. */
    public boolean exitsWithin(Duration time) throws InterruptedException {
        return process.waitFor(time.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops the service, as an orchestrator does, and waits for it to exit. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    /** The command line that runs the packaged service with these runtime options. */
    public static List<String> command(List<String> options) throws IOException {
        List<String> command = new ArrayList<>();
        if (isNative()) {
            command.add(Path.of("target").resolve(artifact().getProperty("path")).toAbsolutePath().toString());
            command.addAll(options);
        } else {
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(options);
            command.addAll(List.of("-jar", APP.resolve("quarkus-run.jar").toString()));
        }
        return command;
    }

    /** Whether the build under test produced the native executable rather than the JVM package. */
    public static boolean isNative() throws IOException {
        return "native".equals(artifact().getProperty("type"));
    }

    private static Properties artifact() throws IOException {
        Properties artifact = new Properties();
        try (Reader reader = Files.newBufferedReader(ARTIFACT)) {
            artifact.load(reader);
        }
        return artifact;
    }

    /** A port nothing listens on now; another process may take it before it is used. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}

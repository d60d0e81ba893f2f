package io.omnivibe.testing;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A real Prometheus server (the {@code prometheus} binary, as Debian packages it), scraping one
 * target every second and evaluating rules every second, on loopback, with its data in a
 * directory of its own that is deleted when it stops.
 */
public final class RealPrometheus implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path directory;
    private final int port;
    private final HttpClient client = HttpClient.newHttpClient();

    private RealPrometheus(Process process, Path directory, int port) {
        this.process = process;
        this.directory = directory;
        this.port = port;
    }

    /** {@code prometheus} or {@code promtool}, the first on the PATH. */
    public static Optional<Path> binary(String name) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(folder -> !folder.isBlank())
                .map(folder -> Path.of(folder, name))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** Starts Prometheus scraping {@code /q/metrics} of {@code target} (host:port) as job {@code job}, with these rules. */
    public static RealPrometheus start(Path binary, String job, String target, String rules) throws IOException {
        Path directory = Files.createTempDirectory("prometheus");
        Files.writeString(directory.resolve("rules.yml"), rules);
        Files.writeString(directory.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                  evaluation_interval: 1s
                rule_files:
                  - rules.yml
                scrape_configs:
                  - job_name: %s
                    metrics_path: /q/metrics
                    static_configs:
                      - targets: ['%s']
                """.formatted(job, target));
        int port = PackagedService.freePort();
        Process process = new ProcessBuilder(binary.toString(),
                "--config.file=" + directory.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + directory.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(directory.resolve("console.log").toFile()).start();
        RealPrometheus prometheus = new RealPrometheus(process, directory, port);
        try {
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .failFast("Prometheus exited; its console: " + directory.resolve("console.log"), () -> !process.isAlive())
                    .until(() -> prometheus.get("/-/ready").statusCode() == 200);
        } catch (RuntimeException notStarted) {
            prometheus.close();
            throw notStarted;
        }
        return prometheus;
    }

    /** The samples of an instant query; fails on a query Prometheus refuses. */
    public JsonNode query(String promql) throws IOException, InterruptedException {
        JsonNode answer = api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        return answer.path("data").path("result");
    }

    /** The alerts pending or firing now. */
    public List<JsonNode> alerts() throws IOException, InterruptedException {
        List<JsonNode> alerts = new ArrayList<>();
        api("/api/v1/alerts").path("data").path("alerts").forEach(alerts::add);
        return alerts;
    }

    /** The names of the rules Prometheus loaded. */
    public List<String> ruleNames() throws IOException, InterruptedException {
        List<String> names = new ArrayList<>();
        api("/api/v1/rules").path("data").path("groups")
                .forEach(group -> group.path("rules").forEach(rule -> names.add(rule.path("name").asText())));
        return names;
    }

    /** Whether the target has been scraped and answered. */
    public boolean targetUp() throws IOException, InterruptedException {
        JsonNode up = query("up");
        return up.size() == 1 && "1".equals(up.get(0).path("value").get(1).asText());
    }

    private JsonNode api(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = get(path);
        JsonNode answer = JSON.readTree(response.body());
        if (response.statusCode() != 200 || !"success".equals(answer.path("status").asText())) {
            throw new IllegalStateException("Prometheus answered " + response.statusCode() + " to " + path + ": " + response.body());
        }
        return answer;
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException interrupted) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        }
    }
}

package io.omnivibe.testing;

import java.util.Arrays;

/** Reads samples from the service's Prometheus scrape, {@code /q/metrics}. */
public final class Metrics {

    private Metrics() {
    }

    public static String scrape() {
        return Management.given().when().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /**
     * The value of the sample {@code name} whose labels include every {@code key=value} pair given,
     * summed over the samples that match; 0 when there is none yet.
     */
    public static double value(String name, String... labels) {
        return scrape().lines()
                .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .filter(line -> Arrays.stream(labels).allMatch(label -> {
                    String[] pair = label.split("=", 2);
                    return line.contains(pair[0] + "=\"" + pair[1] + "\"");
                }))
                .mapToDouble(Metrics::sampleValue)
                .sum();
    }

    /** The value after the labels; an exemplar ({@code # {trace_id=...} ...}) may follow it. */
    private static double sampleValue(String line) {
        String sample = line.contains(" # ") ? line.substring(0, line.indexOf(" # ")) : line;
        return Double.parseDouble(sample.substring(sample.lastIndexOf(' ') + 1));
    }
}

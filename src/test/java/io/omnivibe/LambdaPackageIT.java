package io.omnivibe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/** What {@code ./mvnw package -Dlambda} hands to {@code sam deploy}; skipped by builds without that profile. */
class LambdaPackageIT {

    private static final Path TARGET = Path.of("target");

    @BeforeEach
    void lambdaPackage() {
        assumeTrue(Files.exists(TARGET.resolve("function.zip")), "checks the -Dlambda package");
    }

    @ParameterizedTest
    @ValueSource(strings = { "sam.jvm.yaml", "sam.native.yaml" })
    void templatesGiveTheFunctionMoreTimeThanALookupsBudgetBehindAnHttpApi(String template) throws IOException {
        JsonNode function = new YAMLMapper().readTree(TARGET.resolve(template).toFile()).path("Resources").elements().next();

        Duration functionTimeout = Duration.ofSeconds(function.path("Properties").path("Timeout").asLong());
        assertThat(functionTimeout).isGreaterThan(lookupBudget());
        assertThat(function.path("Properties").path("Events").elements().next().path("Type").asText()).isEqualTo("HttpApi");
    }

    @Test
    void functionZipHoldsTheServiceAndItsLambdaRuntime() throws IOException {
        try (ZipFile function = new ZipFile(TARGET.resolve("function.zip").toFile())) {
            assertThat(function.stream().map(ZipEntry::getName))
                    .contains("io/omnivibe/api/LookupResource.class", "application.properties")
                    .anyMatch(name -> name.contains("quarkus-amazon-lambda-http"))
                    .noneMatch(name -> name.toLowerCase().contains("wiremock"));
        }
    }

    private static Duration lookupBudget() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("src", "main", "resources", "application.properties"))) {
            properties.load(in);
        }
        return Duration.ofMillis(Long.parseLong(properties.getProperty("lookup.budget-ms")));
    }
}

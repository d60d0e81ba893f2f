package io.omnivibe.api;

import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;

import static io.restassured.RestAssured.given;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** The API description lists every status, parameter, header and schema a client needs. */
@QuarkusTest
class OpenApiTest {

    private static final String LOOKUP = "paths.'/inboxes/{inbox_identifier}/contacts/{contact_identifier}/conversations/{conversation_id}'.get";

    @Test
    void describesEveryStatusTheLookupCanReturn() {
        given().queryParam("format", "json").when().get("/q/openapi").then().statusCode(200)
                .body(LOOKUP + ".responses.keySet()", containsInAnyOrder("200", "304", "400", "404", "406", "500", "502", "503", "504"))
                .body(LOOKUP + ".parameters.name", containsInAnyOrder("inbox_identifier", "contact_identifier", "conversation_id",
                        "If-None-Match"))
                .body(LOOKUP + ".parameters.find { it.name == 'If-None-Match' }.in", equalTo("header"))
                .body(LOOKUP + ".parameters.find { it.name == 'conversation_id' }.schema.minimum", equalTo(1))
                .body(LOOKUP + ".parameters.find { it.name == 'contact_identifier' }.schema.maxLength", equalTo(255))
                .body(LOOKUP + ".responses.'200'.headers.keySet()", hasItems("X-Cache", "Age", "ETag"))
                .body(LOOKUP + ".responses.'304'.headers.keySet()", hasItems("ETag", "X-Cache"))
                .body(LOOKUP + ".responses.'503'.description", containsString("urn:omnivibe-lookup:problem:upstream-call-limit"))
                .body(LOOKUP + ".responses.'503'.headers.keySet()", hasItems("Retry-After"))
                .body(LOOKUP + ".responses.'200'.content.'application/json'.schema.'$ref'", equalTo("#/components/schemas/Conversation"))
                .body(LOOKUP + ".responses.'502'.content.'application/problem+json'.schema.'$ref'", equalTo("#/components/schemas/Problem"))
                .body("components.schemas.FileType.enum", hasItems("image", "location", "ig_story", "embed"))
                .body("components.schemas.FileType.enum", not(hasItem("UNKNOWN")))
                .body("components.schemas.ConversationStatus.enum", containsInAnyOrder("open", "resolved", "pending", "snoozed"))
                .body("components.schemas.MessageType.enum", containsInAnyOrder(0, 1, 2, 3))
                .body("components.schemas.Problem.properties.keySet()", hasItems("type", "title", "status", "detail"));
    }
}

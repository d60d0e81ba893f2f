package io.omnivibe.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Upstream bodies for tests: files under {@code conversations/} and generated large ones. */
public final class Bodies {

    private Bodies() {
    }

    public static byte[] resource(String name) {
        try (InputStream in = Bodies.class.getResourceAsStream("/conversations/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test body " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A conversation of at least {@code minBytes}, made of many realistic messages. */
    public static byte[] largeConversation(int minBytes) {
        StringBuilder json = new StringBuilder(minBytes + 4096)
                .append("{\"id\":7,\"uuid\":\"5d1f0000-0000-4000-8000-00000000abcd\",\"inbox_id\":3,")
                .append("\"contact_last_seen_at\":1776340000,\"status\":\"resolved\",\"agent_last_seen_at\":1776340001,\"messages\":[");
        int id = 0;
        while (json.length() < minBytes) {
            if (id > 0) {
                json.append(',');
            }
            id++;
            json.append("{\"id\":").append(id)
                    .append(",\"content\":\"Mensagem número ").append(id).append(": ").append("olá 👋 ".repeat(20))
                    .append("\",\"message_type\":").append(id % 2)
                    .append(",\"content_type\":\"text\",\"content_attributes\":{},\"created_at\":").append(1776339000L + id)
                    .append(",\"conversation_id\":7,\"sender\":{\"id\":").append(id % 2 == 0 ? 55 : 3)
                    .append(",\"type\":\"").append(id % 2 == 0 ? "contact" : "user").append("\"}}");
        }
        json.append("],\"contact\":{\"id\":55,\"name\":\"Alice\",\"email\":null}}");
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }
}

package io.omnivibe.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A Redis-compatible server on loopback that speaks the protocol but runs scripts its own way: it
 * answers reads as an empty Redis would, takes writes, and answers every script (the cap's lease)
 * with a reply of a shape the script never returns, as a proxy in front of Redis might. It counts
 * the scripts it was sent.
 */
public class OddRedis implements QuarkusTestResourceLifecycleManager {

    private static final AtomicInteger scripts = new AtomicInteger();
    private ServerSocket server;

    public static int scriptsSent() {
        return scripts.get();
    }

    @Override
    public Map<String, String> start() {
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::accept, "odd-redis");
        acceptor.setDaemon(true);
        acceptor.start();
        return Map.of("quarkus.redis.hosts", "redis://127.0.0.1:" + server.getLocalPort(),
                "lookup.shared.secret", SharedRedis.newSecret());
    }

    @Override
    public void stop() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket connection = server.accept();
                Thread serving = new Thread(() -> serve(connection), "odd-redis-connection");
                serving.setDaemon(true);
                serving.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static void serve(Socket connection) {
        try (connection; InputStream in = new BufferedInputStream(connection.getInputStream());
                OutputStream out = connection.getOutputStream()) {
            for (List<String> command = read(in); command != null; command = read(in)) {
                out.write(answer(command).getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException gone) {
            // the client closed its connection
        }
    }

    private static String answer(List<String> command) {
        return switch (command.get(0).toUpperCase(Locale.ROOT)) {
            case "PING" -> "+PONG\r\n";
            case "HELLO" -> "-ERR unknown command 'HELLO'\r\n";
            case "GET" -> "$-1\r\n";
            case "PTTL" -> ":-2\r\n";
            case "PUBLISH" -> ":0\r\n";
            case "EVAL", "EVALSHA" -> {
                scripts.incrementAndGet();
                yield "*2\r\n$3\r\nodd\r\n$5\r\nshape\r\n";
            }
            default -> "+OK\r\n";
        };
    }

    /** One command, an array of bulk strings; null at the end of the stream. */
    private static List<String> read(InputStream in) throws IOException {
        String header = line(in);
        if (header == null) {
            return null;
        }
        if (!header.startsWith("*")) {
            throw new IOException("not a RESP array: " + header);
        }
        int count = Integer.parseInt(header.substring(1));
        List<String> parts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int length = Integer.parseInt(line(in).substring(1));
            byte[] part = in.readNBytes(length + 2);
            parts.add(new String(part, 0, length, StandardCharsets.UTF_8));
        }
        return parts;
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                return null;
            }
            if (b != '\r') {
                bytes.write(b);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}

package io.omnivibe.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An upstream, on a plain socket, that answers each conversation as a test says: with a body
 * that declares a length it never sends in time, a chunked body that never ends, one byte at a
 * time, or an ordinary conversation. It writes as fast as the service reads and records, for every
 * answer, how many bytes went out and whether the service closed the connection before its end.
 */
public final class HostileUpstream implements AutoCloseable {

    /** One answer as it went: bytes of body written, and whether the peer closed the connection first. */
    public record Answer(long conversation, long bodyBytesWritten, boolean closedByPeer) {
    }

    /** How one request is answered. */
    public sealed interface Behaviour {
    }

    /** A 200 declaring {@code length} bytes, then as many filler bytes as the peer takes. */
    public record Declaring(long length) implements Behaviour {
    }

    /** A chunked 200 that never ends: chunks of {@code chunkBytes}, {@code pause} apart. */
    public record Endless(int chunkBytes, Duration pause) implements Behaviour {
    }

    /** A 200 declaring {@code length} bytes, then nothing until the peer gives up. */
    public record Stalling(long length) implements Behaviour {
    }

    /** An ordinary 200 with this body and its length. */
    public record Conversation(byte[] body) implements Behaviour {
    }

    private static final Pattern CONVERSATION = Pattern.compile("/conversations/(\\d+) ");
    private static final byte[] FILLER = "{\"id\":1,\"content\":\"A message posted to make this conversation larger\"},"
            .repeat(200).getBytes(StandardCharsets.US_ASCII);

    private final ServerSocket server;
    private final ExecutorService connections = Executors.newCachedThreadPool();
    private final Map<Long, Queue<Behaviour>> behaviours = new ConcurrentHashMap<>();
    private final Queue<Answer> answers = new ConcurrentLinkedQueue<>();

    public HostileUpstream() {
        try {
            server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        connections.execute(this::acceptForever);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** Answers {@code conversation} with each behaviour in turn, the last one from then on. */
    public void serve(long conversation, Behaviour... inTurn) {
        behaviours.put(conversation, new ConcurrentLinkedQueue<>(List.of(inTurn)));
    }

    /** The answers given to {@code conversation} so far, once each has ended. */
    public List<Answer> answers(long conversation) {
        return answers.stream().filter(answer -> answer.conversation() == conversation).toList();
    }

    private void acceptForever() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                connections.execute(() -> answerUntilClosed(socket));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void answerUntilClosed(Socket socket) {
        try (socket; InputStream in = new BufferedInputStream(socket.getInputStream()); OutputStream out = socket.getOutputStream()) {
            for (String head = readHead(in); head != null; head = readHead(in)) {
                Matcher path = CONVERSATION.matcher(head);
                long conversation = path.find() ? Long.parseLong(path.group(1)) : -1;
                if (!answer(conversation, next(conversation), in, out)) {
                    return;
                }
            }
        } catch (IOException gone) {
            // The service closed the connection between requests.
        }
    }

    private Behaviour next(long conversation) {
        Queue<Behaviour> inTurn = behaviours.get(conversation);
        if (inTurn == null) {
            return null;
        }
        return inTurn.size() > 1 ? inTurn.poll() : inTurn.peek();
    }

    /** Writes one answer; false when the connection is no longer usable. */
    private boolean answer(long conversation, Behaviour behaviour, InputStream in, OutputStream out) throws IOException {
        AtomicLong written = new AtomicLong();
        try {
            if (behaviour instanceof Conversation ordinary) {
                out.write(head(200, "Content-Length: " + ordinary.body().length));
                out.write(ordinary.body());
                written.addAndGet(ordinary.body().length);
            } else if (behaviour instanceof Declaring declaring) {
                out.write(head(200, "Content-Length: " + declaring.length()));
                while (written.get() < declaring.length()) {
                    int length = (int) Math.min(FILLER.length, declaring.length() - written.get());
                    out.write(FILLER, 0, length);
                    written.addAndGet(length);
                }
            } else if (behaviour instanceof Stalling stalling) {
                out.write(head(200, "Content-Length: " + stalling.length()));
                out.flush();
                // Nothing more: the peer's closing ends the read below.
                while (in.read() >= 0) {
                    // A well-behaved client sends nothing while its answer is under way.
                }
                throw new IOException("closed by the peer");
            } else if (behaviour instanceof Endless endless) {
                out.write(head(200, "Transfer-Encoding: chunked"));
                while (true) {
                    out.write((Integer.toHexString(endless.chunkBytes()) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(FILLER, 0, endless.chunkBytes());
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    written.addAndGet(endless.chunkBytes());
                    if (!endless.pause().isZero()) {
                        Thread.sleep(endless.pause().toMillis());
                    }
                }
            } else {
                out.write(head(404, "Content-Length: 0"));
            }
            out.flush();
            answers.add(new Answer(conversation, written.get(), false));
            return true;
        } catch (IOException closed) {
            answers.add(new Answer(conversation, written.get(), true));
            return false;
        } catch (InterruptedException stopped) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static byte[] head(int status, String framing) {
        return ("HTTP/1.1 " + status + (status == 200 ? " OK" : " Not Found") + "\r\nContent-Type: application/json; charset=utf-8\r\n"
                + framing + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The request line and headers, or null at the end of the connection. */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int ended = 0;
        for (int b = in.read(); b >= 0; b = in.read()) {
            head.append((char) b);
            ended = (b == '\r' || b == '\n') ? ended + 1 : 0;
            if (ended == 4) {
                return head.toString();
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
        connections.shutdownNow();
    }
}

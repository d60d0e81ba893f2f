package io.omnivibe.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import io.restassured.RestAssured;

/**
 * A POST to the service under test that announces a body of 1000 bytes and sends ten, then
 * waits: what a sender that trickles its body looks like. The service's answer, if it gives one
 * before the body, can be read.
 */
public final class TricklingSender implements AutoCloseable {

    private final Socket socket;

    private TricklingSender(Socket socket) {
        this.socket = socket;
    }

    public static TricklingSender start(String path) throws IOException {
        Socket socket = new Socket("localhost", RestAssured.port);
        socket.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"event\":").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return new TricklingSender(socket);
    }

    /** The first line of the answer, waited for 10 s at most: one given before the body was sent. */
    public String statusLine() throws IOException {
        socket.setSoTimeout(10_000);
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            line.write(b);
        }
        return line.toString(StandardCharsets.US_ASCII).strip();
    }

    /** Reads whatever the service writes until it ends the connection, waiting 30 s at most. */
    public void readToTheEnd() throws IOException {
        socket.setSoTimeout(30_000);
        InputStream in = socket.getInputStream();
        while (in.read() >= 0) {
            // whatever the server wrote before closing
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

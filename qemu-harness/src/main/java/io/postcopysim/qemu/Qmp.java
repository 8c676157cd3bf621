package io.postcopysim.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A QMP client on a unix socket: one command at a time; asynchronous events that arrive in
 * between are kept with QEMU's own timestamp (wall clock, microseconds).
 */
final class Qmp implements Closeable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A QMP event: QEMU's timestamp in epoch microseconds, its name and data. */
  record Event(long micros, String name, JsonNode data) {}

  private final List<Event> events = new CopyOnWriteArrayList<>();
  private final SocketChannel channel;
  private final BufferedReader in;
  private final OutputStream out;

  private Qmp(SocketChannel channel) throws IOException {
    this.channel = channel;
    this.in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel),
        StandardCharsets.UTF_8));
    this.out = Channels.newOutputStream(channel);
    in.readLine(); // greeting
    execute("qmp_capabilities", Map.of());
  }

  /** Connects, retrying while QEMU creates the socket. */
  static Qmp connect(Path socket, long timeoutMillis) throws IOException, InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis; // wall-clock-ok
    while (true) {
      try {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
        return new Qmp(ch);
      } catch (IOException e) {
        if (System.currentTimeMillis() > deadline) { // wall-clock-ok
          throw new IOException("no QMP on " + socket + ": " + e.getMessage(), e);
        }
        Thread.sleep(20);
      }
    }
  }

  synchronized JsonNode execute(String command, Map<String, ?> arguments) throws IOException {
    ObjectNode req = JSON.createObjectNode();
    req.put("execute", command);
    if (!arguments.isEmpty()) {
      req.set("arguments", JSON.valueToTree(arguments));
    }
    out.write((JSON.writeValueAsString(req) + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
    while (true) {
      String line = in.readLine();
      if (line == null) {
        throw new IOException("QMP connection closed during " + command);
      }
      JsonNode r = JSON.readTree(line);
      if (r.has("event")) {
        JsonNode t = r.path("timestamp");
        events.add(new Event(t.path("seconds").asLong() * 1_000_000
            + t.path("microseconds").asLong(), r.path("event").asText(), r.path("data")));
        continue;
      }
      if (r.has("error")) {
        throw new IOException(command + ": " + r.get("error").path("desc").asText());
      }
      return r.path("return");
    }
  }

  /** Events received so far, in order of arrival. */
  List<Event> events() {
    return List.copyOf(events);
  }

  JsonNode execute(String command) throws IOException {
    return execute(command, Map.of());
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}

package io.pinwheel.broker;

import static io.pinwheel.broker.EmbeddedKafka.HOST;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.KafkaException;

/**
 * Free ports for the embedded broker's listeners, and telling a lost race for one from other
 * failures.
 */
final class BrokerPorts {
  private BrokerPorts() {}

  static int[] freePorts(int count) {
    // All sockets stay open until every port is found, so the ports differ from each other.
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST));
        sockets.add(s);
        ports[i] = s.getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new KafkaException("could not find a free port on " + HOST, e);
    } finally {
      for (ServerSocket s : sockets) {
        try {
          s.close();
        } catch (IOException ignored) {
          // Closing a listening socket that never accepted cannot lose anything.
        }
      }
    }
  }

  static boolean isBindFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.BindException) {
        return true;
      }
    }
    return false;
  }
}

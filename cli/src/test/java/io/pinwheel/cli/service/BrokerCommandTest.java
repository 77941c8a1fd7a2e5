package io.pinwheel.cli.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.pinwheel.cli.Cli;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** What {@code broker} refuses before it starts anything. */
class BrokerCommandTest {

  @Test
  void shouldRefuseAPortOutOfRange() {
    Cli cli = Cli.run("broker", "--port", "70000");

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("--port must be in [0, 65535]");
  }

  @Test
  void shouldRefuseAPortInUseWithAHint() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Cli cli = Cli.run("broker", "--port", Integer.toString(taken.getLocalPort()));

      assertThat(cli.exitCode()).isEqualTo(2);
      assertThat(cli.err()).contains("is in use", "--port 0");
      assertThat(cli.out()).isEmpty();
    }
  }
}

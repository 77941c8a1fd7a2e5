package io.pinwheel.cli.support;

import io.pinwheel.topology.service.PinwheelService;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** Where a command that runs the service serves {@code /metrics} and {@code /health}. */
public final class MetricsOptions {
  @Option(
      names = "--metrics-host",
      defaultValue = PinwheelService.DEFAULT_METRICS_HOST,
      paramLabel = "HOST",
      description = {
        "Address of the Prometheus endpoint (/metrics, /health); 0.0.0.0 for every interface.",
        "Default: ${DEFAULT-VALUE}, this machine only."
      })
  String host;

  @Option(
      names = "--metrics-port",
      defaultValue = "" + PinwheelService.DEFAULT_METRICS_PORT,
      paramLabel = "PORT",
      description =
          "Port of the Prometheus endpoint, 0 for any free one. Default: ${DEFAULT-VALUE}.")
  int port;

  /** {@code --metrics-host}. */
  public String host() {
    return host;
  }

  /** {@code --metrics-port}. */
  public int port() {
    return port;
  }

  /**
   * Checks the port's range.
   *
   * @throws ParameterException if it is not in [0, 65535]
   */
  public void validate(CommandSpec spec) {
    if (port < 0 || port > 65535) {
      throw new ParameterException(
          spec.commandLine(), "--metrics-port must be in [0, 65535], got " + port);
    }
  }
}

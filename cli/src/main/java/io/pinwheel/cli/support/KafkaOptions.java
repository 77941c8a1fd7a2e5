package io.pinwheel.cli.support;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The Kafka connection of a command that talks to a cluster as a plain client: {@code
 * --bootstrap-servers} and {@code --client-config}. Not required by picocli, since {@code bench
 * pipeline} runs its own broker without it; the commands that need it call {@link #require}.
 */
public final class KafkaOptions {
  /** How picocli names the option when it is missing. */
  static final String MISSING = "'--bootstrap-servers=HOST:PORT[,...]'";

  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT[,...]",
      description = "The Kafka brokers.")
  String bootstrapServers;

  @Option(
      names = "--client-config",
      paramLabel = "FILE",
      description =
          "A properties file of Kafka client settings, such as security.protocol, sasl.* and"
              + " ssl.*; a serve configuration file will do (its other keys are ignored).")
  Path clientConfig;

  /** {@code --bootstrap-servers}, or null when not given. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** Whether {@code --bootstrap-servers} was given. */
  public boolean given() {
    return bootstrapServers != null;
  }

  /**
   * Fails as picocli does for a missing required option when {@code --bootstrap-servers} is absent.
   *
   * @throws ParameterException if it is
   */
  public void require(CommandSpec spec) {
    if (bootstrapServers == null) {
      throw new ParameterException(spec.commandLine(), "Missing required option: " + MISSING);
    }
  }

  /**
   * The settings of a plain client: the connection and security keys of {@code --client-config}
   * (the keys an admin client knows; a service's others mean nothing to a client) and {@code
   * bootstrap.servers}.
   *
   * @return a new, mutable map
   * @throws IOException if {@code --client-config} cannot be read
   * @throws IllegalArgumentException if it is not a properties file
   */
  public Map<String, Object> clientProperties() throws IOException {
    Map<String, Object> client = new LinkedHashMap<>();
    if (clientConfig != null) {
      PropertiesFiles.read(clientConfig).forEach(client::put);
      client.keySet().removeIf(k -> !AdminClientConfig.configNames().contains(k));
    }
    client.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return client;
  }

  /** {@code --client-config}, or null when not given. */
  public Path clientConfig() {
    return clientConfig;
  }
}

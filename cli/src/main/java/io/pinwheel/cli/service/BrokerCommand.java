package io.pinwheel.cli.service;

import io.pinwheel.broker.EmbeddedKafka;
import io.pinwheel.cli.support.CliContext;
import io.pinwheel.cli.support.DurationConverter;
import io.pinwheel.cli.support.ExitCodes;
import io.pinwheel.cli.support.JsonLines;
import io.pinwheel.cli.support.StopSignal;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pinwheel broker}: a single-node Kafka broker, for trying the other commands. */
@Command(
    name = "broker",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a single-node Kafka broker in this process, for trying serve and publish-model.",
      "KRaft, no ZooKeeper, no Docker; it runs until Ctrl-C or SIGTERM, listens on 127.0.0.1"
          + " only, without security, and takes records up to 64 MiB. Not for production.",
      "The first line on standard output gives its address:",
      "  {\"bootstrapServers\":\"127.0.0.1:9092\",\"logDir\":DIR,\"persistent\":true|false}",
      "Without --log-dir the data lives in a temporary directory deleted on exit; with it, topics"
          + " and records survive a restart.",
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:stopped by Ctrl-C or SIGTERM (143 when the JVM reports the signal itself)",
      "1:the broker could not start",
      "2:nothing started: invalid options, the port taken, or an unusable --log-dir",
      ExitCodes.INTERNAL_HELP
    })
public final class BrokerCommand implements Callable<Integer> {
  private final CliContext context;

  @Option(
      names = "--port",
      defaultValue = "9092",
      paramLabel = "PORT",
      description = "Client port on 127.0.0.1; 0 for any free one. Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(
      names = "--log-dir",
      paramLabel = "DIR",
      description = "Where to keep the broker's data, created if missing; kept on exit.")
  Path logDir;

  /** For tests that run the command in-process: stops after this long as if on Ctrl-C. */
  @Option(names = "--run-for", hidden = true, converter = DurationConverter.class)
  Duration runFor;

  public BrokerCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws InterruptedException {
    if (port < 0 || port > 65535) {
      return usage("--port must be in [0, 65535], got " + port);
    }
    if (port != 0 && !free(port)) {
      return usage(
          "port "
              + port
              + " on 127.0.0.1 is in use (another broker?); choose another with --port, or"
              + " --port 0 for any free one");
    }
    if (logDir != null) {
      try {
        Files.createDirectories(logDir);
      } catch (IOException e) {
        return usage("cannot use --log-dir " + logDir + ": " + e);
      }
    }
    try (StopSignal stop = StopSignal.install("pinwheel-broker", Duration.ofSeconds(30))) {
      EmbeddedKafka kafka;
      try {
        kafka = EmbeddedKafka.builder().port(port).logDir(logDir).start();
      } catch (KafkaException e) {
        context.err().println("pinwheel broker: could not start: " + e.getMessage());
        return ExitCodes.FAILED;
      }
      try (kafka) {
        context
            .out()
            .println(
                JsonLines.line(
                    g -> {
                      g.writeStringField("bootstrapServers", kafka.bootstrapServers());
                      g.writeStringField("logDir", kafka.logDir().toString());
                      g.writeBooleanField("persistent", logDir != null);
                    }));
        context.out().flush();
        String b = kafka.bootstrapServers();
        context
            .err()
            .printf(
                "pinwheel broker: Kafka listening on %s (started in %.1f s); data in %s%s.%n"
                    + "pinwheel broker: try  pinwheel serve --config FILE --create-topics"
                    + "  with bootstrap.servers=%s in FILE,%n"
                    + "pinwheel broker:  or  pinwheel publish-model MODEL.pwe"
                    + " --bootstrap-servers %s.%n"
                    + "pinwheel broker: stop with Ctrl-C.%n",
                b,
                kafka.startupTime().toMillis() / 1000.0,
                kafka.logDir(),
                logDir == null ? " (deleted on exit)" : " (kept)",
                b,
                b);
        context.err().flush();
        Duration wait = runFor == null ? Duration.ofDays(365_000) : runFor;
        stop.await(wait);
        context.err().println("pinwheel broker: stopping ...");
      }
      context.err().println("pinwheel broker: stopped");
      return ExitCodes.OK;
    }
  }

  private static boolean free(int port) {
    try {
      new ServerSocket(port, 1, InetAddress.getLoopbackAddress()).close();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private int usage(String message) {
    context.err().println("pinwheel broker: " + message);
    return ExitCodes.USAGE;
  }
}

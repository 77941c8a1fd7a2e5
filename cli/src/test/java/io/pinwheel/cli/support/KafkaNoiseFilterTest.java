package io.pinwheel.cli.support;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.spi.FilterReply;
import org.junit.jupiter.api.Test;

class KafkaNoiseFilterTest {
  private static final String GLOBAL_THREAD_ADVICE =
      "Processing exception handler is not enabled for the GlobalThread. It's recommended to set"
          + " `processing.exception.handler.global.enabled` to true.";

  private final LoggerContext context = new LoggerContext();
  private final KafkaNoiseFilter filter = new KafkaNoiseFilter();

  private Logger logger(String name) {
    return context.getLogger(name);
  }

  @Test
  void shouldDropTheGlobalThreadHandlerAdviceOfStreamsConfig() {
    FilterReply reply =
        filter.decide(
            null,
            logger("org.apache.kafka.streams.StreamsConfig"),
            Level.WARN,
            GLOBAL_THREAD_ADVICE,
            null,
            null);

    assertThat(reply).isEqualTo(FilterReply.DENY);
  }

  @Test
  void shouldPassOtherStreamsConfigWarnings() {
    FilterReply reply =
        filter.decide(
            null,
            logger("org.apache.kafka.streams.StreamsConfig"),
            Level.WARN,
            "Configuration '{}' was supplied but isn't a known config.",
            new Object[] {"linger.mss"},
            null);

    assertThat(reply).isEqualTo(FilterReply.NEUTRAL);
  }

  @Test
  void shouldPassTheSameTextFromAnotherLogger() {
    FilterReply reply =
        filter.decide(
            null,
            logger("io.pinwheel.topology.service.PinwheelService"),
            Level.WARN,
            GLOBAL_THREAD_ADVICE,
            null,
            null);

    assertThat(reply).isEqualTo(FilterReply.NEUTRAL);
  }

  @Test
  void shouldPassErrors() {
    FilterReply reply =
        filter.decide(
            null,
            logger("org.apache.kafka.streams.StreamsConfig"),
            Level.ERROR,
            GLOBAL_THREAD_ADVICE,
            null,
            null);

    assertThat(reply).isEqualTo(FilterReply.NEUTRAL);
  }
}

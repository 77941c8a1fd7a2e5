package io.pinwheel.cli.support;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Marker;

/**
 * Drops the log lines of a transaction race that Kafka resolves on its own, so that they do not
 * look like failures in the middle of a demo; {@code logback.xml} installs it.
 *
 * <p>Under exactly-once, a Streams producer may send the first records of its next transaction
 * while the broker is still writing the markers of the previous one. The broker answers {@code
 * CONCURRENT_TRANSACTIONS}, and the request pipelined behind it {@code
 * OUT_OF_ORDER_SEQUENCE_NUMBER}; the producer retries both and they succeed (the demo's
 * exactly-once count checks that). On the way, the broker logs an ERROR with a stack trace and the
 * producer a WARN per request. Those, the embedded broker's warning about closing a client twice on
 * shutdown, and Kafka Streams 4.4's advice to enable the processing exception handler for the
 * global thread, which it logs twice per instance even though the service sets that key (its
 * derived client configurations leave the key out; {@code StreamsProperties}), are all this filter
 * drops: every other line, including any error that reaches a caller, passes. With {@code
 * -Dpinwheel.log.kafka=INFO} or finer nothing is dropped.
 */
public final class KafkaNoiseFilter extends TurboFilter {

  /** Creates the filter; logback does this itself. */
  public KafkaNoiseFilter() {}

  @Override
  public FilterReply decide(
      Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (logger == null || level == null || format == null || verbose()) {
      return FilterReply.NEUTRAL;
    }
    String name = logger.getName();
    if (level == Level.ERROR
        && name.equals("kafka.server.ReplicaManager")
        && t instanceof OutOfOrderSequenceException) {
      return FilterReply.DENY;
    }
    if (level == Level.WARN
        && name.equals("org.apache.kafka.clients.producer.internals.Sender")
        && format.contains("retrying")
        && contains(params, Errors.CONCURRENT_TRANSACTIONS, Errors.OUT_OF_ORDER_SEQUENCE_NUMBER)) {
      return FilterReply.DENY;
    }
    if (level == Level.WARN
        && name.equals("org.apache.kafka.clients.NetworkClient")
        && format.contains("already been closed")) {
      return FilterReply.DENY;
    }
    if (level == Level.WARN
        && name.equals("org.apache.kafka.streams.StreamsConfig")
        && format.startsWith("Processing exception handler is not enabled for the GlobalThread")) {
      return FilterReply.DENY;
    }
    return FilterReply.NEUTRAL;
  }

  private static boolean verbose() {
    String kafka = System.getProperty("pinwheel.log.kafka");
    return kafka != null && Level.toLevel(kafka, Level.WARN).toInt() < Level.WARN.toInt();
  }

  private static boolean contains(Object[] params, Errors... errors) {
    if (params == null) {
      return false;
    }
    for (Object p : params) {
      for (Errors e : errors) {
        if (p == e) {
          return true;
        }
      }
    }
    return false;
  }
}

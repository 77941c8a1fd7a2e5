package io.pinwheel.topology.stream;

import io.pinwheel.client.FeatureRecord;
import io.pinwheel.client.FeatureRecordFormat;
import io.pinwheel.client.FeatureRecordSerializer;
import io.pinwheel.extractor.DecoderOptions;
import io.pinwheel.extractor.Encoder;
import io.pinwheel.extractor.Frame;
import io.pinwheel.extractor.FrameDecodeException;
import io.pinwheel.extractor.FrameDecoder;
import io.pinwheel.extractor.SparseCode;
import io.pinwheel.topology.DeadLetterReason;
import io.pinwheel.topology.metrics.PinwheelMetrics;
import io.pinwheel.topology.model.EncoderSource;
import io.pinwheel.topology.model.ServingModel;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes and encodes one frame per record and forwards either its feature record to the features
 * sink or the frame itself to the dead-letter sink: every record goes to exactly one of them. When
 * the model has a linear head, the record carries the head's scores and label.
 *
 * <p>One instance per task, so one thread: it owns an {@link Encoder} (native scratch memory, not
 * thread-safe) for the serving model, and replaces it between two records when {@link
 * EncoderSource#current()} returns a new model. Nothing a record holds can end the stream thread: a
 * {@link FrameDecodeException} or any {@link RuntimeException} from decoding, encoding or building
 * the record dead-letters that record. Only {@link Error}s, and failures of Kafka itself,
 * propagate.
 */
final class ExtractProcessor implements Processor<byte[], byte[], byte[], byte[]> {
  private static final Logger LOG = LoggerFactory.getLogger(ExtractProcessor.class);

  private final EncoderSource source;
  private final PinwheelMetrics metrics;
  private final DecoderOptions decoderOptions;
  private final FeatureRecordSerializer serializer;
  private final String featuresTopic;
  private final byte[] contentType;

  private ProcessorContext<byte[], byte[]> context;
  private ServingModel serving;
  private FrameDecoder decoder;
  private Encoder encoder;

  /**
   * A model whose encoder could not be built; not tried again, so one log line, not one a frame.
   */
  private ServingModel failedModel;

  ExtractProcessor(
      EncoderSource source,
      PinwheelMetrics metrics,
      DecoderOptions decoderOptions,
      FeatureRecordFormat format,
      String featuresTopic) {
    this.source = Objects.requireNonNull(source, "source");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.decoderOptions = Objects.requireNonNull(decoderOptions, "decoderOptions");
    this.serializer = new FeatureRecordSerializer(format);
    this.featuresTopic = Objects.requireNonNull(featuresTopic, "featuresTopic");
    this.contentType =
        (format == FeatureRecordFormat.JSON
                ? PinwheelHeaders.JSON_CONTENT_TYPE
                : PinwheelHeaders.PROTOBUF_CONTENT_TYPE)
            .getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void init(ProcessorContext<byte[], byte[]> context) {
    this.context = context;
    // Built now so the first record does not pay for it; a missing model fails the task here,
    // with the registry's message, rather than dead-lettering every frame.
    ServingModel first = source.current();
    decoder = new FrameDecoder(first.model().input(), decoderOptions);
    encoder = new Encoder(first.model());
    serving = first;
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    metrics.frameIn();
    follow(source.current());
    ServingModel model = serving;

    long t0 = System.nanoTime();
    Frame frame;
    try {
      frame = decoder.decode(record.value());
    } catch (FrameDecodeException e) {
      deadLetter(record, DeadLetterReason.of(e.reason()), e);
      return;
    } catch (RuntimeException e) {
      deadLetter(record, DeadLetterReason.INTERNAL, e);
      return;
    }
    long t1 = System.nanoTime();
    metrics.decodeNanos(t1 - t0);

    FeatureRecord feature;
    SparseCode code;
    try {
      code = encoder.encode(frame);
      // A model without a head gives empty scores and label: the record's defaults.
      feature = toRecord(code, frameId(record), record.timestamp(), model);
    } catch (FrameDecodeException e) {
      deadLetter(record, DeadLetterReason.of(e.reason()), e);
      return;
    } catch (RuntimeException e) {
      // The encoder may have been left mid-computation; a fresh one costs little next to a frame
      // encoded from stale scratch state.
      renewEncoder();
      deadLetter(record, DeadLetterReason.ENCODE_ERROR, e);
      return;
    }
    long t2 = System.nanoTime();
    metrics.encodeNanos(t2 - t1);

    byte[] bytes;
    try {
      bytes = serializer.serialize(featuresTopic, feature);
    } catch (RuntimeException e) {
      deadLetter(record, DeadLetterReason.INTERNAL, e);
      return;
    }
    Headers headers = withoutPinwheelHeaders(record.headers());
    headers.remove(PinwheelHeaders.CONTENT_TYPE);
    headers.add(PinwheelHeaders.CONTENT_TYPE, contentType);
    context.forward(record.withValue(bytes).withHeaders(headers), FeatureTopology.FEATURES_SINK);
    metrics.featureOut(
        code.density(), Math.max(0, feature.producedTimestampMs() - record.timestamp()));
  }

  @Override
  public void close() {
    if (encoder != null) {
      encoder.close();
      encoder = null;
    }
  }

  /** Switches to {@code next} if it is not the model this processor encodes with. */
  private void follow(ServingModel next) {
    if (next == serving || next == failedModel) {
      return;
    }
    Encoder fresh;
    try {
      fresh = new Encoder(next.model());
    } catch (RuntimeException e) {
      // The registry warmed this model up, so this is the machine (native memory), not the model:
      // keep encoding with the model that works rather than refusing every frame.
      LOG.error("could not build an encoder for {}; this task keeps serving {}", next, serving, e);
      failedModel = next;
      return;
    }
    if (!decoder.spec().equals(next.model().input())) {
      decoder = new FrameDecoder(next.model().input(), decoderOptions);
    }
    Encoder old = encoder;
    encoder = fresh;
    serving = next;
    failedModel = null;
    old.close();
    LOG.debug("task {} now encodes with {}", context.taskId(), next);
  }

  private void renewEncoder() {
    try {
      Encoder fresh = new Encoder(serving.model());
      encoder.close();
      encoder = fresh;
    } catch (RuntimeException e) {
      LOG.warn("could not renew the encoder for {}; keeping the old one", serving, e);
    }
  }

  private void deadLetter(Record<byte[], byte[]> record, DeadLetterReason reason, Exception e) {
    Headers headers = withoutPinwheelHeaders(record.headers());
    String message = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
    if (message.length() > PinwheelHeaders.MAX_MESSAGE_CHARS) {
      message = message.substring(0, PinwheelHeaders.MAX_MESSAGE_CHARS - 3) + "...";
    }
    Optional<RecordMetadata> meta = context.recordMetadata();
    add(headers, PinwheelHeaders.ERROR_REASON, reason.tag());
    add(headers, PinwheelHeaders.ERROR_CLASS, e.getClass().getName());
    add(headers, PinwheelHeaders.ERROR_MESSAGE, message);
    add(headers, PinwheelHeaders.SOURCE_TOPIC, meta.map(RecordMetadata::topic).orElse(""));
    add(
        headers,
        PinwheelHeaders.SOURCE_PARTITION,
        meta.map(m -> Integer.toString(m.partition())).orElse("-1"));
    add(
        headers,
        PinwheelHeaders.SOURCE_OFFSET,
        meta.map(m -> Long.toString(m.offset())).orElse("-1"));
    context.forward(record.withHeaders(headers), FeatureTopology.DEAD_LETTER_SINK);
    metrics.deadLettered(reason.tag());
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          "dead-lettered {} at {}: {} ({})",
          reason.tag(),
          meta.map(m -> m.topic() + "/" + m.partition() + "@" + m.offset()).orElse("?"),
          message,
          e.getClass().getSimpleName());
    }
  }

  /**
   * The feature record of a frame's code: the same code (the record copies its arrays, so they are
   * read in place rather than copied twice), with where it came from and which model made it.
   */
  static FeatureRecord toRecord(
      SparseCode code, String frameId, long sourceTimestamp, ServingModel model) {
    return code.read(
        (shape, indices, values, scores, label) ->
            new FeatureRecord(
                frameId,
                sourceTimestamp,
                model.name(),
                model.version(),
                shape,
                indices,
                values,
                scores,
                label,
                System.currentTimeMillis()));
  }

  private String frameId(Record<byte[], byte[]> record) {
    Header h = record.headers().lastHeader(PinwheelHeaders.FRAME_ID);
    if (h != null && h.value() != null && h.value().length > 0) {
      return new String(h.value(), StandardCharsets.UTF_8);
    }
    return context
        .recordMetadata()
        .map(m -> m.topic() + "/" + m.partition() + "/" + m.offset())
        .orElse("");
  }

  /**
   * A copy of {@code in} without pinwheel's own dead-letter headers: a dead letter fed back into
   * the frames topic must not carry its old diagnosis into its new outcome.
   */
  private static Headers withoutPinwheelHeaders(Headers in) {
    RecordHeaders out = new RecordHeaders();
    for (Header h : in) {
      String k = h.key();
      if (!k.startsWith(PinwheelHeaders.ERROR_PREFIX)
          && !k.startsWith(PinwheelHeaders.SOURCE_PREFIX)) {
        out.add(h);
      }
    }
    return out;
  }

  private static void add(Headers headers, String key, String value) {
    headers.add(key, value.getBytes(StandardCharsets.UTF_8));
  }
}

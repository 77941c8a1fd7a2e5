package io.pinwheel.topology.stream;

import io.pinwheel.client.FeatureRecord;
import io.pinwheel.client.FeatureRecordFormat;
import io.pinwheel.extractor.SparseCode;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * How a frame record becomes a feature record, shared by the topology and the re-encoder: the
 * record's fields from the code, its frame id, and the headers it carries on.
 */
public final class FeatureRecords {
  private FeatureRecords() {}

  /**
   * The feature record of one code.
   *
   * @param code the frame's sparse code (copied into the record)
   * @param frameId the frame's id ({@link #frameId})
   * @param sourceTimestamp the frame record's timestamp
   * @param modelName the model that encoded it
   * @param modelVersion its version
   * @return the record, produced now
   */
  public static FeatureRecord of(
      SparseCode code, String frameId, long sourceTimestamp, String modelName, int modelVersion) {
    // A model without a head gives empty scores and label: the record's defaults. The record
    // copies the code's arrays, so they are read in place rather than copied twice.
    return code.read(
        (shape, indices, values, scores, label) ->
            new FeatureRecord(
                frameId,
                sourceTimestamp,
                modelName,
                modelVersion,
                shape,
                indices,
                values,
                scores,
                label,
                System.currentTimeMillis()));
  }

  /**
   * The frame's id: its {@code frame-id} header, else where the record is.
   *
   * @param headers the frame record's headers
   * @param topic its topic
   * @param partition its partition
   * @param offset its offset
   * @return the id
   */
  public static String frameId(Headers headers, String topic, int partition, long offset) {
    Header h = headers.lastHeader(PinwheelHeaders.FRAME_ID);
    if (h != null && h.value() != null && h.value().length > 0) {
      return new String(h.value(), StandardCharsets.UTF_8);
    }
    return topic + "/" + partition + "/" + offset;
  }

  /**
   * The headers of the feature record: the frame's, less pinwheel's own dead-letter headers, with
   * the content type of {@code format}.
   *
   * @param in the frame record's headers
   * @param format the feature record's format
   * @return new headers
   */
  public static Headers headers(Headers in, FeatureRecordFormat format) {
    Headers out = withoutPinwheelHeaders(in);
    out.remove(PinwheelHeaders.CONTENT_TYPE);
    out.add(
        PinwheelHeaders.CONTENT_TYPE,
        (format == FeatureRecordFormat.JSON
                ? PinwheelHeaders.JSON_CONTENT_TYPE
                : PinwheelHeaders.PROTOBUF_CONTENT_TYPE)
            .getBytes(StandardCharsets.UTF_8));
    return out;
  }

  /**
   * A copy of {@code in} without pinwheel's own dead-letter headers: a dead letter fed back into
   * the frames topic must not carry its old diagnosis into its new outcome.
   */
  static Headers withoutPinwheelHeaders(Headers in) {
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
}

package io.pinwheel.topology.live;

import java.util.Map;
import java.util.Objects;

/**
 * The service over one sampling interval, as the live page charts it. A value that is unknown (no
 * frame yet, no lag reported) is NaN, and the page leaves a gap for it.
 *
 * @param t when it was taken, in epoch milliseconds
 * @param framesIn frames read per second over the interval
 * @param featuresOut feature records produced per second
 * @param deadLetters frames dead-lettered per second, all reasons together
 * @param deadLettersByReason frames dead-lettered per second, by reason
 * @param decode p50, p95 and p99 of the decode time in milliseconds, over the timer's recent window
 * @param encode the same for the encode time
 * @param latency the same for the end-to-end latency
 * @param density p50 and p99 of the code density (fraction of non-zeros)
 * @param lag records not yet read from the frames topic, summed over this instance's partitions
 * @param modelVersion the serving model's version, -1 before one
 */
public record LiveSample(
    long t,
    double framesIn,
    double featuresOut,
    double deadLetters,
    Map<String, Double> deadLettersByReason,
    double[] decode,
    double[] encode,
    double[] latency,
    double[] density,
    double lag,
    int modelVersion) {

  /** Checks the components and copies the arrays and the map. */
  public LiveSample {
    deadLettersByReason = Map.copyOf(deadLettersByReason);
    decode = percentiles("decode", decode, 3);
    encode = percentiles("encode", encode, 3);
    latency = percentiles("latency", latency, 3);
    density = percentiles("density", density, 2);
  }

  private static double[] percentiles(String name, double[] values, int length) {
    Objects.requireNonNull(values, name);
    if (values.length != length) {
      throw new IllegalArgumentException(
          name + " must hold " + length + " percentiles, got " + values.length);
    }
    return values.clone();
  }
}

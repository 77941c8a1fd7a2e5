package io.pinwheel.trainer.viz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pinwheel.extractor.model.FloatTensor;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The figures of an orientation map on a torus, as {@link OrientationMap} computes them: pinwheels,
 * the mean orientation difference between neighbours, the dominant wavelength Λ and pinwheels per
 * Λ², for a conv layer's filters laid out row-major on the torus.
 *
 * @param rows the torus height
 * @param cols the torus width
 * @param pinwheels plaquettes with nonzero winding
 * @param neighbourDifferenceDegrees the mean orientation difference between torus neighbours
 * @param meanSelectivity the filters' mean orientation selectivity
 * @param wavelength Λ in cells; empty for a uniform map
 */
public record Topography(
    int rows,
    int cols,
    int pinwheels,
    double neighbourDifferenceDegrees,
    double meanSelectivity,
    OptionalDouble wavelength) {

  /** Pinwheels per Λ² that Kaschube et al. (Science 2010) measured in visual cortex: π. */
  public static final double CORTEX_PINWHEELS_PER_WAVELENGTH_SQUARED = Math.PI;

  private static final Pattern TOPO = Pattern.compile("topo:(\\d+)x(\\d+)(:.*)?");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Validates the sizes and counts. */
  public Topography {
    if (rows < 1 || cols < 1) {
      throw new IllegalArgumentException("rows and cols must be >= 1, got " + rows + "x" + cols);
    }
    if (pinwheels < 0) {
      throw new IllegalArgumentException("pinwheels must be >= 0, got " + pinwheels);
    }
    if (wavelength == null) {
      throw new IllegalArgumentException("wavelength must not be null (empty when undefined)");
    }
  }

  /**
   * The figures of the filters of {@code weights} [K, C, kh, kw] on the rows × cols torus.
   *
   * @throws IllegalArgumentException if K is not rows·cols, or the weights are not finite
   */
  public static Topography of(FloatTensor weights, int rows, int cols) {
    if (weights.rank() != 4 || weights.dim(0) != (long) rows * cols) {
      throw new IllegalArgumentException(
          "a "
              + rows
              + "x"
              + cols
              + " torus needs "
              + (long) rows * cols
              + " filters, got weights "
              + weights);
    }
    List<OrientationMap.Tuning> tunings = OrientationMap.tunings(weights);
    double[] orientation = OrientationMap.orientations(tunings);
    double selectivity = 0;
    for (double s : OrientationMap.selectivities(tunings)) {
      selectivity += s / tunings.size();
    }
    return new Topography(
        rows,
        cols,
        OrientationMap.pinwheels(orientation, rows, cols),
        OrientationMap.meanNeighbourDifferenceDegrees(orientation, rows, cols),
        selectivity,
        OrientationMap.dominantWavelength(orientation, rows, cols));
  }

  /** Pinwheels per Λ², the pinwheels per hypercolumn; empty when Λ is. */
  public OptionalDouble pinwheelsPerWavelengthSquared() {
    return wavelength.isPresent()
        ? OptionalDouble.of(
            OrientationMap.pinwheelDensity(pinwheels, wavelength.getAsDouble(), rows, cols))
        : OptionalDouble.empty();
  }

  /**
   * Puts the figures into {@code json}, under the names every report and {@code eval topography}
   * use: pinwheels, mean neighbour difference, mean selectivity, and Λ and pinwheels per Λ² when
   * the map has a wavelength.
   */
  public void putFigures(ObjectNode json) {
    json.put("pinwheels", pinwheels);
    json.put("meanNeighbourOrientationDifferenceDegrees", neighbourDifferenceDegrees);
    json.put("meanSelectivity", meanSelectivity);
    wavelength.ifPresent(w -> json.put("wavelengthCells", w));
    pinwheelsPerWavelengthSquared().ifPresent(d -> json.put("pinwheelsPerWavelengthSquared", d));
  }

  /**
   * The torus a model was trained on, from its training provenance ({@code options.groups} of the
   * form {@code topo:RxC:K}).
   *
   * @param training the model's training provenance, the text of a JSON object
   * @return {rows, cols}; empty when the provenance names no topographic grouping
   */
  public static Optional<int[]> torusOf(String training) {
    JsonNode groups;
    try {
      groups = JSON.readTree(training).path("options").path("groups");
    } catch (IOException e) {
      return Optional.empty();
    }
    Matcher m = TOPO.matcher(groups.asText(""));
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))});
  }
}

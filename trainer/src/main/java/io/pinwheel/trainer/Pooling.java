package io.pinwheel.trainer;

import io.pinwheel.extractor.model.FloatTensor;
import io.pinwheel.extractor.model.IntTensor;
import io.pinwheel.extractor.model.L2PoolLayer;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the maps of a conv layer are grouped into L2 pools, with a short text form used on command
 * lines and in training provenance: {@code block:M} or {@code topo:RxC:K[:SIGMA]}.
 */
public sealed interface Pooling {

  /** The accepted text forms, for error messages and help. */
  String SYNTAX = "block:M or topo:RxC:K[:SIGMA]";

  /**
   * The L2 pooling layer over {@code maps} feature maps.
   *
   * @throws IllegalArgumentException if this grouping does not fit {@code maps} maps
   */
  L2PoolLayer layer(int maps, int window, int stride);

  /** The text form, which {@link #parse} reads back to an equal value. */
  String spec();

  /**
   * Disjoint groups of {@code size} consecutive maps ({@link PoolGroups#block}), every member
   * weighted 1.
   *
   * @param size the group size m, positive
   */
  record Block(int size) implements Pooling {
    /** Validates the size. */
    public Block {
      if (size < 1) {
        throw new IllegalArgumentException("block size must be >= 1, got " + size);
      }
    }

    @Override
    public L2PoolLayer layer(int maps, int window, int stride) {
      return L2PoolLayer.unweighted(PoolGroups.block(maps, size), window, stride);
    }

    @Override
    public String spec() {
      return "block:" + size;
    }
  }

  /**
   * One pool per map over its k×k neighbourhood on a rows × cols torus ({@link
   * PoolGroups#topographic}); members weighted 1, or by a Gaussian of standard deviation {@code
   * sigma} grid cells when present ({@link PoolGroups#gaussianWeights}).
   *
   * @param rows the torus height
   * @param cols the torus width; rows·cols must equal the number of maps
   * @param k the neighbourhood side, odd
   * @param sigma the Gaussian weighting, or empty for equal weights
   */
  record Topographic(int rows, int cols, int k, OptionalDouble sigma) implements Pooling {
    /** Validates the fields that do not depend on the number of maps. */
    public Topographic {
      if (sigma.isPresent()
          && (!(sigma.getAsDouble() > 0) || !Double.isFinite(sigma.getAsDouble()))) {
        throw new IllegalArgumentException(
            "topographic sigma must be finite and > 0, got " + sigma.getAsDouble());
      }
    }

    @Override
    public L2PoolLayer layer(int maps, int window, int stride) {
      if ((long) rows * cols != maps) {
        throw new IllegalArgumentException(
            "topographic grid " + rows + "x" + cols + " must hold the " + maps + " maps exactly");
      }
      IntTensor groups = PoolGroups.topographic(rows, cols, k);
      if (sigma.isEmpty()) {
        return L2PoolLayer.unweighted(groups, window, stride);
      }
      FloatTensor weights = PoolGroups.gaussianWeights(rows, cols, k, sigma.getAsDouble());
      return new L2PoolLayer(groups, weights, window, stride);
    }

    @Override
    public String spec() {
      String base = "topo:" + rows + "x" + cols + ":" + k;
      return sigma.isEmpty() ? base : base + ":" + sigma.getAsDouble();
    }
  }

  /**
   * Reads {@code block:M}, {@code topo:RxC:K} or {@code topo:RxC:K:SIGMA}.
   *
   * @throws IllegalArgumentException if {@code text} has neither form
   */
  static Pooling parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    Matcher block = Pattern.compile("block:(\\d{1,9})").matcher(t);
    if (block.matches()) {
      return new Block(Integer.parseInt(block.group(1)));
    }
    Matcher topo =
        Pattern.compile("topo:(\\d{1,9})x(\\d{1,9}):(\\d{1,9})(?::([0-9]*\\.?[0-9]+))?").matcher(t);
    if (topo.matches()) {
      OptionalDouble sigma =
          topo.group(4) == null
              ? OptionalDouble.empty()
              : OptionalDouble.of(Double.parseDouble(topo.group(4)));
      return new Topographic(
          Integer.parseInt(topo.group(1)),
          Integer.parseInt(topo.group(2)),
          Integer.parseInt(topo.group(3)),
          sigma);
    }
    throw new IllegalArgumentException("expected " + SYNTAX + ", got \"" + text + "\"");
  }
}

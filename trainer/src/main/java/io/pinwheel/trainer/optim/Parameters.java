package io.pinwheel.trainer.optim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Named float tensors in a fixed order, held on the heap, row-major: a model's parameters, their
 * gradients, Adam's moments or a moving average. The set of names and shapes is fixed at creation;
 * the values change in place.
 */
public final class Parameters {
  private final Map<String, float[]> values;
  private final Map<String, int[]> shapes;

  private Parameters(Map<String, float[]> values, Map<String, int[]> shapes) {
    this.values = values;
    this.shapes = shapes;
  }

  /** Builds a set tensor by tensor, in the order they are added. */
  public static Builder builder() {
    return new Builder();
  }

  /** Adds tensors in order; {@link #build} checks each value's length against its shape. */
  public static final class Builder {
    private final Map<String, float[]> values = new LinkedHashMap<>();
    private final Map<String, int[]> shapes = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Adds {@code name}, holding {@code value} itself (not a copy).
     *
     * @throws IllegalArgumentException if the name is taken or the length is not the shape's size
     */
    public Builder add(String name, float[] value, int... shape) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      if (values.containsKey(name)) {
        throw new IllegalArgumentException("parameter " + name + " is already there");
      }
      if (value.length != size(shape)) {
        throw new IllegalArgumentException(
            name
                + " has "
                + value.length
                + " values for shape "
                + Arrays.toString(shape)
                + " ("
                + size(shape)
                + ")");
      }
      values.put(name, value);
      shapes.put(name, shape.clone());
      return this;
    }

    /** Adds {@code name} as zeros of {@code shape}. */
    public Builder zeros(String name, int... shape) {
      return add(name, new float[size(shape)], shape);
    }

    /** The set. */
    public Parameters build() {
      return new Parameters(values, shapes);
    }
  }

  private static int size(int[] shape) {
    long n = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
      }
      n *= d;
    }
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("shape too large: " + Arrays.toString(shape));
    }
    return (int) n;
  }

  /** The names, in order. */
  public List<String> names() {
    return new ArrayList<>(values.keySet());
  }

  /** The live values of {@code name}. */
  public float[] get(String name) {
    float[] v = values.get(name);
    if (v == null) {
      throw new IllegalArgumentException("no parameter " + name + "; expected one of " + names());
    }
    return v;
  }

  /** The shape of {@code name} (a copy). */
  public int[] shape(String name) {
    get(name);
    return shapes.get(name).clone();
  }

  /** A set of the same names and shapes, all zero. */
  public Parameters zerosLike() {
    Builder b = builder();
    shapes.forEach((name, shape) -> b.zeros(name, shape));
    return b.build();
  }

  /** A deep copy. */
  public Parameters copy() {
    Builder b = builder();
    values.forEach((name, v) -> b.add(name, v.clone(), shapes.get(name)));
    return b.build();
  }

  /** Sets every value to zero. */
  public void clear() {
    values.values().forEach(v -> Arrays.fill(v, 0f));
  }

  /**
   * Copies every value of {@code other} into this set.
   *
   * @throws IllegalArgumentException if the names or shapes differ
   */
  public void assign(Parameters other) {
    requireSameLayout(other);
    values.forEach((name, v) -> System.arraycopy(other.get(name), 0, v, 0, v.length));
  }

  /** this += other, tensor by tensor. */
  public void add(Parameters other) {
    requireSameLayout(other);
    values.forEach(
        (name, v) -> {
          float[] o = other.get(name);
          for (int i = 0; i < v.length; i++) {
            v[i] += o[i];
          }
        });
  }

  /** Whether {@code other} has the same names, in the same order, with the same shapes. */
  public boolean sameLayout(Parameters other) {
    if (!names().equals(other.names())) {
      return false;
    }
    for (String name : values.keySet()) {
      if (!Arrays.equals(shapes.get(name), other.shapes.get(name))) {
        return false;
      }
    }
    return true;
  }

  private void requireSameLayout(Parameters other) {
    if (!sameLayout(other)) {
      throw new IllegalArgumentException(
          "parameter sets differ: " + describe() + " against " + other.describe());
    }
  }

  private String describe() {
    StringBuilder s = new StringBuilder("{");
    shapes.forEach(
        (n, sh) -> s.append(s.length() > 1 ? ", " : "").append(n).append(Arrays.toString(sh)));
    return s.append('}').toString();
  }

  /** Whether every value of both sets is bit-for-bit equal (and the layouts match). */
  public boolean bitEquals(Parameters other) {
    if (!sameLayout(other)) {
      return false;
    }
    for (String name : values.keySet()) {
      if (!Arrays.equals(values.get(name), other.get(name))) {
        return false;
      }
    }
    return true;
  }
}

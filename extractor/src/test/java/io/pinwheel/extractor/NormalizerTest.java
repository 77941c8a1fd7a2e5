package io.pinwheel.extractor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pinwheel.extractor.model.Normalization;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NormalizerTest {

  static Stream<Arguments> lcnCases() {
    List<Arguments> cases = new ArrayList<>();
    int[][] sizes = {{1, 1}, {1, 9}, {2, 3}, {5, 7}, {16, 16}, {31, 17}, {48, 64}};
    double[] sigmas = {0.3, 1, 2, 4.3, 16};
    for (int[] s : sizes) {
      for (double sigma : sigmas) {
        for (int channels : new int[] {1, 3}) {
          cases.add(Arguments.of(channels, s[0], s[1], sigma));
        }
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}x{1}x{2} sigma {3}")
  @MethodSource("lcnCases")
  void shouldMatchReferenceLcnOnRandomImages(int channels, int height, int width, double sigma) {
    float[] x = random(channels * height * width, 31L * height + width);

    assertMatchesReference(new Normalization.Lcn(sigma), x, channels, height, width);
  }

  @Test
  void shouldMatchReferenceLcnWithTheLargestSigma() {
    float[] x = random(3 * 40 * 50, 7);

    assertMatchesReference(new Normalization.Lcn(Normalization.Lcn.MAX_SIGMA), x, 3, 40, 50);
  }

  @ParameterizedTest(name = "{0} channels")
  @MethodSource("channelCounts")
  void shouldMatchReferenceStandardize(int channels) {
    float[] x = random(channels * 12 * 9, 3);

    assertMatchesReference(new Normalization.Standardize(0.45f, 0.226f), x, channels, 12, 9);
  }

  @ParameterizedTest(name = "{0} channels")
  @MethodSource("channelCounts")
  void shouldLeaveValuesUnchangedForNone(int channels) {
    float[] x = random(channels * 12 * 9, 4);
    float[] copy = x.clone();

    Normalizer.apply(new Normalization.None(), x, channels, 12, 9);

    assertThat(x).containsExactly(copy);
  }

  static Stream<Integer> channelCounts() {
    return Stream.of(1, 3);
  }

  @Test
  void shouldGiveZeroEverywhereForConstantImageUnderLcn() {
    float[] x = new float[3 * 20 * 30];
    java.util.Arrays.fill(x, 0.7f);

    Normalizer.apply(new Normalization.Lcn(2), x, 3, 20, 30);

    // The blur of a constant is the constant up to float rounding (~1e-7), which the 1e-4 floor
    // divides into at most ~1e-3.
    for (float v : x) {
      assertThat(Math.abs(v)).isLessThan(1e-3f);
    }
  }

  @Test
  void shouldBeContrastInvariantUnderLcn() {
    float[] x = random(3 * 24 * 32, 11);
    float[] scaled = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      scaled[i] = 10 * x[i];
    }

    Normalizer.apply(new Normalization.Lcn(1.5), x, 3, 24, 32);
    Normalizer.apply(new Normalization.Lcn(1.5), scaled, 3, 24, 32);

    assertThat(maxAbsDifference(x, scaled)).isLessThanOrEqualTo(1e-4 * maxAbs(x));
  }

  @Test
  void shouldRefuseArrayOfWrongLength() {
    assertThatThrownBy(() -> Normalizer.apply(new Normalization.None(), new float[10], 1, 3, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1x3x3 needs 9 values but the array has 10");
  }

  @Test
  void shouldRefuseNonPositiveDimensions() {
    assertThatThrownBy(() -> Normalizer.apply(new Normalization.None(), new float[0], 1, 0, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("positive");
  }

  private static void assertMatchesReference(
      Normalization n, float[] x, int channels, int height, int width) {
    float[] expected = ReferenceNormalizer.apply(n, x, channels, height, width);
    float[] actual = x.clone();

    Normalizer.apply(n, actual, channels, height, width);

    assertThat(maxAbsDifference(actual, expected))
        .as("max |OpenCV - reference| for %s", n)
        .isLessThanOrEqualTo(1e-4 * maxAbs(expected));
  }

  private static float[] random(int length, long seed) {
    Random rnd = new Random(seed);
    float[] x = new float[length];
    for (int i = 0; i < length; i++) {
      x[i] = rnd.nextFloat();
    }
    return x;
  }

  private static double maxAbsDifference(float[] a, float[] b) {
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs((double) a[i] - b[i]));
    }
    return max;
  }

  private static double maxAbs(float[] a) {
    double max = 0;
    for (float v : a) {
      max = Math.max(max, Math.abs(v));
    }
    return max;
  }
}

package io.pinwheel.trainer.drsae;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UnitAnalysisTest {
  /**
   * Four units on 2-D inputs: units 0 and 1 have encoder rows equal to their decoder atoms (part
   * units), units 2 and 3 have rows orthogonal to their atoms (categorical), unit 3 never fires.
   */
  private static UnitAnalysis fourUnits() {
    float[] e = {1, 0, 0, 1, 0, 1, 1, 0};
    // decoder [D=2, K=4]: columns (1,0), (0,1), (1,0), (0,1)
    float[] d = {1, 0, 1, 0, 0, 1, 0, 1};
    float[] s = new float[16];
    s[2 * 4 + 2] = 0.7f;
    float[] c = {0, 0, 3, 0, 0, 0, 0, 4};
    float[] means = {1, 0, 0, 1};
    return UnitAnalysis.of(e, s, d, c, 4, 2, 2, means, new boolean[] {true, true, true, false});
  }

  @Test
  void shouldCallUnitsWhoseEncoderAndDecoderPointApartCategorical() {
    UnitAnalysis a = fourUnits();
    assertThat(a.part(0)).isTrue();
    assertThat(a.part(1)).isTrue();
    assertThat(a.categorical(2)).isTrue();
    assertThat(a.categorical(3)).isFalse();
    assertThat(a.part(3)).isFalse();
  }

  @Test
  void shouldCountSilentUnitsInNeitherGroup() {
    UnitAnalysis a = fourUnits();
    assertThat(a.silent()).isEqualTo(1);
    assertThat(a.categoricalGroup().units()).isEqualTo(1);
    assertThat(a.partGroup().units()).isEqualTo(2);
  }

  @Test
  void shouldReportEachGroupsSelfConnectionAndClassifierWeight() {
    UnitAnalysis a = fourUnits();
    assertThat(a.categoricalGroup().selfConnection())
        .isEqualTo(0.7, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(a.categoricalGroup().classifierNorm()).isEqualTo(3.0);
    assertThat(a.partGroup().classifierNorm()).isEqualTo(0.0);
    assertThat(a.partGroup().prototypeCosine()).isEqualTo(1.0);
  }

  @Test
  void shouldOrderCategoricalThenPartThenSilent() {
    assertThat(fourUnits().order()).containsExactly(2, 0, 1, 3);
  }

  @Test
  void shouldSplitTwoClustersBetweenTheirMeans() {
    double t = UnitAnalysis.twoMeansThreshold(new double[] {0.1, 0.12, 0.08, 0.9, 0.95, 0.85});
    assertThat(t).isBetween(0.12, 0.85);
  }

  @Test
  void shouldNotSplitIdenticalValues() {
    assertThat(UnitAnalysis.twoMeansThreshold(new double[] {0.5, 0.5}))
        .isEqualTo(Double.NEGATIVE_INFINITY);
  }
}

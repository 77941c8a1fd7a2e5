package io.pinwheel.trainer.lateral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LateralOptionsTest {

  private static LateralOptions with(InhibitionMode s, double sMax, double lambda, int epochs) {
    return new LateralOptions(
        new PatternSpec.Tree(2, 2),
        s,
        sMax,
        0.1,
        lambda,
        8,
        10,
        epochs,
        0,
        16,
        0.01,
        0.01,
        0.1,
        1,
        1);
  }

  @Test
  void shouldListEveryInvalidFieldAtOnce() {
    assertThatThrownBy(() -> with(new InhibitionMode.Learned(), -1, Double.NaN, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sMax must be")
        .hasMessageContaining("lambda must be")
        .hasMessageContaining("epochs must be >= 1");
  }

  @Test
  void shouldRefuseAFixedSAboveTheBound() {
    assertThatThrownBy(() -> with(new InhibitionMode.Fixed(0.8), 0.5, 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("s 0.8 must not exceed sMax 0.5");
  }

  @Test
  void shouldCountJointAndEncoderEpochs() {
    LateralOptions o =
        new LateralOptions(
            new PatternSpec.Free(4),
            new InhibitionMode.Learned(),
            1,
            0.1,
            1,
            8,
            10,
            3,
            2,
            16,
            0.01,
            0.01,
            0.1,
            1,
            1);

    assertThat(o.totalEpochs()).isEqualTo(5);
    assertThat(o.units()).isEqualTo(4);
  }

  @Test
  void shouldParseLearnOrAFixedValue() {
    assertThat(InhibitionMode.parse("learn")).isEqualTo(new InhibitionMode.Learned());
    assertThat(InhibitionMode.parse("0.25")).isEqualTo(new InhibitionMode.Fixed(0.25));
  }

  @Test
  void shouldExplainAnUnreadableS() {
    assertThatThrownBy(() -> InhibitionMode.parse("strong"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("s must be learn or a number, got strong");
  }

  @Test
  void shouldRefuseANegativeFixedS() {
    assertThatThrownBy(() -> InhibitionMode.parse("-0.1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("s must be finite and >= 0");
  }
}

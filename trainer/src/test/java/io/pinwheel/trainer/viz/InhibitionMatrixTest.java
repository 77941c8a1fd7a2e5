package io.pinwheel.trainer.viz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pinwheel.extractor.model.FloatTensor;
import org.junit.jupiter.api.Test;

class InhibitionMatrixTest {
  private static final int SCALE = 2;
  private static final int CELL = 6 * SCALE;

  /** S for 3 units: 0–1 at the bound, 0–2 fixed by the pattern, 1–2 at zero. */
  private static final FloatTensor S =
      FloatTensor.of(new int[] {3, 3}, new float[] {0, 1, 0, 1, 0, 0, 0, 0, 0});

  private static final boolean[][] FREE = {
    {false, true, false}, {true, false, true}, {false, true, false}
  };

  private static int[] cell(Pngs.Picture p, int i, int j) {
    int origin = CELL + 4;
    return p.pixel(origin + j * (CELL + 1) + CELL / 2, origin + i * (CELL + 1) + CELL / 2);
  }

  private static Pngs.Picture picture() {
    FloatTensor atoms = atoms(3);
    return Pngs.decode(InhibitionMatrix.png(S, FREE, 1.0, atoms, SCALE));
  }

  @Test
  void shouldDrawEntriesAtTheBoundInViridisYellow() {
    int[] bgr = cell(picture(), 0, 1);

    // Viridis ends in yellow: much red and green, little blue.
    assertThat(bgr[2]).isGreaterThan(200);
    assertThat(bgr[1]).isGreaterThan(200);
    assertThat(bgr[0]).isLessThan(80);
  }

  @Test
  void shouldDrawFreeZerosInViridisBlueAndFixedZerosInGray() {
    Pngs.Picture p = picture();

    int[] freeZero = cell(p, 1, 2);
    int[] fixed = cell(p, 0, 2);

    assertThat(freeZero[0]).isGreaterThan(freeZero[1]);
    assertThat(fixed).containsExactly(225, 225, 225);
  }

  @Test
  void shouldRefuseAMatrixThatDoesNotMatchTheAtoms() {
    FloatTensor atoms = atoms(4);

    assertThatThrownBy(() -> InhibitionMatrix.png(S, FREE, 1.0, atoms, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("s must be [4, 4]");
  }

  /** K distinct 1-channel 6×6 atoms, each with positive and negative weights. */
  static FloatTensor atoms(int k) {
    float[] w = new float[k * 36];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) Math.sin(0.7 * i + i / 36);
    }
    return FloatTensor.of(new int[] {k, 1, 6, 6}, w);
  }
}

package io.pinwheel.trainer.viz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pinwheel.extractor.model.FloatTensor;
import org.junit.jupiter.api.Test;

class AtomTreeTest {

  /** Root 0; children 1, 2, 3; grandchildren 4, 5 under 1 and 6, 7 under 3. */
  private static final int[] PARENT = {-1, 0, 0, 0, 1, 1, 3, 3};

  @Test
  void shouldGiveLeavesConsecutiveColumnsInDepthFirstOrder() {
    double[] column = AtomTree.columns(PARENT);

    assertThat(column[4]).isEqualTo(0);
    assertThat(column[5]).isEqualTo(1);
    assertThat(column[2]).isEqualTo(2);
    assertThat(column[6]).isEqualTo(3);
    assertThat(column[7]).isEqualTo(4);
  }

  @Test
  void shouldCentreEveryParentOverItsChildren() {
    double[] column = AtomTree.columns(PARENT);

    assertThat(column[1]).isEqualTo(0.5);
    assertThat(column[3]).isEqualTo(3.5);
    assertThat(column[0]).isEqualTo((column[1] + column[3]) / 2);
  }

  @Test
  void shouldPutEveryLevelOnItsOwnRow() {
    assertThat(AtomTree.levels(PARENT)).containsExactly(0, 1, 1, 1, 2, 2, 2, 2);
  }

  @Test
  void shouldDrawAPictureWideEnoughForEveryLeaf() {
    FloatTensor atoms = atoms(8);

    Pngs.Picture p = Pngs.decode(AtomTree.png(atoms, PARENT, null, null, 2));

    // Five leaf columns of 12-pixel tiles with at least 4 pixels between them.
    assertThat(p.width()).isGreaterThanOrEqualTo(5 * (12 + 4));
    assertThat(p.height()).isGreaterThanOrEqualTo(3 * 12);
  }

  @Test
  void shouldDrawTheRootAtTheTopCentredOverTheLeaves() {
    FloatTensor atoms = atoms(8);

    Pngs.Picture p = Pngs.decode(AtomTree.png(atoms, PARENT, null, null, 2));

    // The root's tile is framed in the separator blue; find the frame's top row.
    int top = -1;
    int left = -1;
    for (int y = 0; y < p.height() && top < 0; y++) {
      for (int x = 0; x < p.width(); x++) {
        if (p.pixel(x, y)[0] == 200 && p.pixel(x, y)[2] == 40) {
          top = y;
          left = x;
          break;
        }
      }
    }
    assertThat(top).isBetween(0, 30);
    // Leaves span columns 0..4, so the root sits at column 2: the middle of the picture.
    assertThat(left + 7).isCloseTo(p.width() / 2, org.assertj.core.api.Assertions.within(8));
  }

  @Test
  void shouldRefuseAParentCycle() {
    FloatTensor atoms = atoms(3);

    assertThatThrownBy(() -> AtomTree.png(atoms, new int[] {1, 2, 0}, null, null, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cycle");
  }

  @Test
  void shouldRefuseAParentArrayOfTheWrongLength() {
    FloatTensor atoms = atoms(3);

    assertThatThrownBy(() -> AtomTree.png(atoms, new int[] {-1, 0}, null, null, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("parent must have one entry per atom (3)");
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

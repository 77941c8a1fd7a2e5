package io.pinwheel.trainer.lateral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class DictionaryStatisticsTest {

  /** Columns: root e1, children e1+e2 and e1−e2 (cos 1/√2 with the root), both ⟂ to each other. */
  private static final double[][] ATOMS = {{1, 1, 1}, {0, 1, -1}, {0, 0, 0}};

  @Test
  void shouldAverageAbsoluteCosinesOverTheTreesEdges() {
    INDArray w = Matrices.of(ATOMS);
    int[] parent = {-1, 0, 0};

    DictionaryStatistics.Tree t = DictionaryStatistics.tree(w, parent, new double[] {1, 0.5, 0.1});

    assertThat(t.parentChildAbsCosine()).isCloseTo(Math.sqrt(0.5), within(1e-12));
    assertThat(t.siblingAbsCosine()).isCloseTo(0, within(1e-12));
    assertThat(t.allPairsAbsCosine()).isCloseTo(2 * Math.sqrt(0.5) / 3, within(1e-12));
  }

  @Test
  void shouldSummariseActivityPerLevel() {
    INDArray w = Matrices.of(ATOMS);

    DictionaryStatistics.Tree t =
        DictionaryStatistics.tree(w, new int[] {-1, 0, 0}, new double[] {0.9, 0.3, 0.1});

    assertThat(t.levels()).hasSize(2);
    assertThat(t.levels().get(0).units()).isEqualTo(1);
    assertThat(t.levels().get(1).meanActivity()).isCloseTo(0.2, within(1e-12));
    assertThat(t.levels().get(1).minActivity()).isEqualTo(0.1);
    assertThat(t.levels().get(1).maxActivity()).isEqualTo(0.3);
  }

  @Test
  void shouldCountFreeEntriesOfSAtTheirBounds() {
    InhibitionPattern pattern = InhibitionPattern.free(3);
    INDArray s = Matrices.of(new double[][] {{0, 0.5, 0}, {0.5, 0, 0.25}, {0, 0.25, 0}});

    DictionaryStatistics.Inhibition i =
        DictionaryStatistics.inhibition(s, pattern, 0.5, Matrices.of(ATOMS));

    assertThat(i.freeEntries()).isEqualTo(6);
    assertThat(i.mean()).isCloseTo(0.25, within(1e-12));
    assertThat(i.atBound()).isCloseTo(1 / 3.0, within(1e-12));
    assertThat(i.atZero()).isCloseTo(1 / 3.0, within(1e-12));
  }

  @Test
  void shouldCorrelateInhibitionWithTheLikenessOfAtoms() {
    // |cos| is 1/√2 for pairs 0–1 and 0–2 and 0 for 1–2: S high on the alike pairs correlates +1.
    INDArray s = Matrices.of(new double[][] {{0, 0.8, 0.8}, {0.8, 0, 0.1}, {0.8, 0.1, 0}});

    DictionaryStatistics.Inhibition i =
        DictionaryStatistics.inhibition(s, InhibitionPattern.free(3), 1, Matrices.of(ATOMS));

    assertThat(i.absCosineCorrelation()).isCloseTo(1, within(1e-12));
  }
}

package io.pinwheel.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pinwheel.trainer.data.GrayImages;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DataSplitTest {
  /** 100 1x1 images whose pixel is their index, labelled by it too. */
  private static GrayImages numbered() {
    byte[] px = new byte[100];
    int[] labels = new int[100];
    for (int i = 0; i < 100; i++) {
      px[i] = (byte) i;
      labels[i] = i;
    }
    return new GrayImages(100, 1, 1, px, labels);
  }

  private static Set<Integer> labels(GrayImages g) {
    Set<Integer> s = new HashSet<>();
    for (int l : g.labels()) {
      s.add(l);
    }
    return s;
  }

  @Test
  void shouldHoldOutTheRequestedShareForValidation() {
    DataSplit split = DataSplit.of(numbered(), numbered(), 0.1, 15);
    assertThat(split.validation().count()).isEqualTo(10);
    assertThat(split.fit().count()).isEqualTo(90);
  }

  @Test
  void shouldUseEveryTrainingImageExactlyOnce() {
    DataSplit split = DataSplit.of(numbered(), numbered(), 0.1, 15);
    Set<Integer> all = labels(split.fit());
    all.addAll(labels(split.validation()));
    assertThat(all).hasSize(100);
    assertThat(labels(split.fit())).doesNotContainAnyElementsOf(labels(split.validation()));
  }

  @Test
  void shouldCutTheSameWayForTheSameSeed() {
    assertThat(DataSplit.of(numbered(), numbered(), 0.1, 15).validation())
        .isEqualTo(DataSplit.of(numbered(), numbered(), 0.1, 15).validation());
  }

  @Test
  void shouldCutAnotherWayForAnotherSeed() {
    assertThat(DataSplit.of(numbered(), numbered(), 0.1, 15).validation())
        .isNotEqualTo(DataSplit.of(numbered(), numbered(), 0.1, 16).validation());
  }

  @Test
  void shouldNotHoldOutTheLastImagesByPosition() {
    Set<Integer> held = labels(DataSplit.of(numbered(), numbered(), 0.1, 15).validation());
    assertThat(held).isNotEqualTo(Set.of(90, 91, 92, 93, 94, 95, 96, 97, 98, 99));
  }

  @Test
  void shouldRefuseAShareThatLeavesNothingToFit() {
    assertThatThrownBy(() -> DataSplit.of(numbered(), numbered(), 0.6, 15))
        .hasMessageContaining("validationFraction");
  }

  @Test
  void shouldCutWithoutATestSetAsItCutsWithOne() {
    DataSplit.Cut cut = DataSplit.cut(numbered(), 0.1, 15);
    DataSplit split = DataSplit.of(numbered(), numbered(), 0.1, 15);
    assertThat(cut.fit()).isEqualTo(split.fit());
    assertThat(cut.validation()).isEqualTo(split.validation());
  }
}

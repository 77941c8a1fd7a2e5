package io.pinwheel.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pinwheel.trainer.data.NumberedImages;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DataSplitTest {
  @Test
  void shouldHoldOutTheRequestedShareForValidation() {
    DataSplit split = DataSplit.of(NumberedImages.of(100), NumberedImages.of(100), 0.1, 15);
    assertThat(split.validation().count()).isEqualTo(10);
    assertThat(split.fit().count()).isEqualTo(90);
  }

  @Test
  void shouldUseEveryTrainingImageExactlyOnce() {
    DataSplit split = DataSplit.of(NumberedImages.of(100), NumberedImages.of(100), 0.1, 15);
    Set<Integer> all = NumberedImages.labels(split.fit());
    all.addAll(NumberedImages.labels(split.validation()));
    assertThat(all).hasSize(100);
    assertThat(NumberedImages.labels(split.fit()))
        .doesNotContainAnyElementsOf(NumberedImages.labels(split.validation()));
  }

  @Test
  void shouldCutTheSameWayForTheSameSeed() {
    assertThat(DataSplit.of(NumberedImages.of(100), NumberedImages.of(100), 0.1, 15).validation())
        .isEqualTo(
            DataSplit.of(NumberedImages.of(100), NumberedImages.of(100), 0.1, 15).validation());
  }

  @Test
  void shouldCutAnotherWayForAnotherSeed() {
    assertThat(DataSplit.of(NumberedImages.of(100), NumberedImages.of(100), 0.1, 15).validation())
        .isNotEqualTo(
            DataSplit.of(NumberedImages.of(100), NumberedImages.of(100), 0.1, 16).validation());
  }

  @Test
  void shouldNotHoldOutTheLastImagesByPosition() {
    Set<Integer> held =
        NumberedImages.labels(
            DataSplit.of(NumberedImages.of(100), NumberedImages.of(100), 0.1, 15).validation());
    assertThat(held).isNotEqualTo(Set.of(90, 91, 92, 93, 94, 95, 96, 97, 98, 99));
  }

  @Test
  void shouldRefuseAShareThatLeavesNothingToFit() {
    assertThatThrownBy(() -> DataSplit.of(NumberedImages.of(100), NumberedImages.of(100), 0.6, 15))
        .hasMessageContaining("validationFraction");
  }

  @Test
  void shouldCutWithoutATestSetAsItCutsWithOne() {
    DataSplit.Cut cut = DataSplit.cut(NumberedImages.of(100), 0.1, 15);
    DataSplit split = DataSplit.of(NumberedImages.of(100), NumberedImages.of(100), 0.1, 15);
    assertThat(cut.fit()).isEqualTo(split.fit());
    assertThat(cut.validation()).isEqualTo(split.validation());
  }
}

package io.pinwheel.extractor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SparseCodeTest {

  private static final int[] SHAPE = {2, 2, 3};

  @Test
  void shouldKeepItsOwnCopyOfTheArraysItWasGiven() {
    int[] indices = {1, 5, 9};
    float[] values = {0.5f, 1.5f, 2.5f};
    SparseCode code = new SparseCode(SHAPE, indices, values);

    indices[0] = 0;
    values[0] = 99f;

    assertThat(code.indices()).containsExactly(1, 5, 9);
    assertThat(code.values()).containsExactly(0.5f, 1.5f, 2.5f);
  }

  @Test
  void shouldHandOutCopiesFromItsAccessors() {
    SparseCode code = new SparseCode(SHAPE, new int[] {1, 5}, new float[] {0.5f, 1.5f});

    code.indices()[0] = 7;
    code.values()[0] = 99f;

    assertThat(code.indices()).containsExactly(1, 5);
    assertThat(code.values()).containsExactly(0.5f, 1.5f);
  }

  @Test
  void shouldLetAReaderSeeItsArraysInPlace() {
    SparseCode code =
        new SparseCode(
            SHAPE, new int[] {1, 5}, new float[] {0.5f, 1.5f}, new float[] {0.2f, 0.8f}, "b");
    List<Object> first = new ArrayList<>();
    List<Object> second = new ArrayList<>();

    code.read((shape, indices, values, scores, label) -> first.addAll(List.of(indices, values)));
    code.read((shape, indices, values, scores, label) -> second.addAll(List.of(indices, values)));
    String read =
        code.read(
            (shape, indices, values, scores, label) ->
                shape.length + " " + indices[1] + " " + values[1] + " " + scores[1] + " " + label);

    assertThat(read).isEqualTo("3 5 1.5 0.8 b");
    assertThat(second.get(0)).isSameAs(first.get(0));
    assertThat(second.get(1)).isSameAs(first.get(1));
  }

  @Test
  void shouldRefuseIndicesThatAreNotAscending() {
    assertThatThrownBy(() -> new SparseCode(SHAPE, new int[] {5, 1}, new float[] {1f, 2f}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("indices must be ascending");
  }

  @Test
  void shouldRefuseIndicesOutsideTheShape() {
    assertThatThrownBy(() -> new SparseCode(SHAPE, new int[] {12}, new float[] {1f}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[0, 12)");
  }
}

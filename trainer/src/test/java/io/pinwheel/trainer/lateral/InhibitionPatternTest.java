package io.pinwheel.trainer.lateral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class InhibitionPatternTest {

  @Test
  void shouldBuildCompleteBinaryTreeInBreadthFirstOrder() {
    assertThat(InhibitionPattern.completeTree(2, 3)).containsExactly(-1, 0, 0, 1, 1, 2, 2);
  }

  @Test
  void shouldBuildCompleteTernaryTreeInBreadthFirstOrder() {
    assertThat(InhibitionPattern.completeTree(3, 3))
        .containsExactly(-1, 0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3);
  }

  @Test
  void shouldBuildALoneRootForDepthOne() {
    assertThat(InhibitionPattern.completeTree(4, 1)).containsExactly(-1);
  }

  @Test
  void shouldFixExactlyTheAncestorRelationOnACompleteTree() {
    int[] parent = InhibitionPattern.completeTree(2, 3);
    boolean[][] ancestor = transitiveClosure(parent);

    InhibitionPattern pattern = InhibitionPattern.tree(parent);

    for (int i = 0; i < parent.length; i++) {
      for (int j = 0; j < parent.length; j++) {
        boolean fixed = ancestor[i][j] || ancestor[j][i] || i == j;
        assertThat(pattern.free(i, j)).as("free(%d, %d)", i, j).isEqualTo(!fixed);
      }
    }
  }

  @Test
  void shouldLetALeafInhibitEverythingOutsideItsBranch() {
    InhibitionPattern pattern = InhibitionPattern.tree(InhibitionPattern.completeTree(2, 3));

    // Leaf 3 sits under 1 under 0; its sibling 4 and the whole other subtree 2, 5, 6 are free.
    assertThat(pattern.free(3, 0)).isFalse();
    assertThat(pattern.free(3, 1)).isFalse();
    assertThat(pattern.free(3, 4)).isTrue();
    assertThat(pattern.free(3, 2)).isTrue();
    assertThat(pattern.free(3, 6)).isTrue();
  }

  @Test
  void shouldFixAncestorsAcrossAForest() {
    int[] parent = {-1, 0, -1, 2};
    boolean[][] ancestor = transitiveClosure(parent);

    InhibitionPattern pattern = InhibitionPattern.tree(parent);

    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        assertThat(pattern.free(i, j))
            .as("free(%d, %d)", i, j)
            .isEqualTo(!(ancestor[i][j] || ancestor[j][i] || i == j));
      }
    }
  }

  @Test
  void shouldFreeEveryOffDiagonalEntry() {
    InhibitionPattern pattern = InhibitionPattern.free(4);

    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        assertThat(pattern.free(i, j)).isEqualTo(i != j);
      }
    }
  }

  @Test
  void shouldExposeMasksThatAgreeWithFree() {
    InhibitionPattern pattern = InhibitionPattern.tree(InhibitionPattern.completeTree(3, 2));
    boolean[][] mask = pattern.mask();
    INDArray array = pattern.mask(DataType.DOUBLE);

    for (int i = 0; i < pattern.size(); i++) {
      for (int j = 0; j < pattern.size(); j++) {
        assertThat(mask[i][j]).isEqualTo(pattern.free(i, j));
        assertThat(array.getDouble(i, j)).isEqualTo(pattern.free(i, j) ? 1.0 : 0.0);
      }
    }
  }

  @Test
  void shouldRejectAParentCycle() {
    assertThatThrownBy(() -> InhibitionPattern.tree(new int[] {-1, 2, 1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("parent")
        .hasMessageContaining("cycle");
  }

  @Test
  void shouldRejectAParentOutOfRange() {
    assertThatThrownBy(() -> InhibitionPattern.tree(new int[] {-1, 5}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("parent[1]");
  }

  @Test
  void shouldRejectNonPositiveBranchingOrDepth() {
    assertThatThrownBy(() -> InhibitionPattern.completeTree(0, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("branching");
    assertThatThrownBy(() -> InhibitionPattern.completeTree(2, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("depth");
  }

  @Test
  void shouldRejectATreeTooLargeForAMask() {
    assertThatThrownBy(() -> InhibitionPattern.completeTree(10, 5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("branching 10");
  }

  @Test
  void shouldRejectZeroUnits() {
    assertThatThrownBy(() -> InhibitionPattern.free(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("k must be");
  }

  /** ancestor[a][i]: a is a proper ancestor of i, by Warshall's closure of the parent edges. */
  private static boolean[][] transitiveClosure(int[] parent) {
    int n = parent.length;
    boolean[][] reach = new boolean[n][n];
    for (int i = 0; i < n; i++) {
      if (parent[i] >= 0) {
        reach[parent[i]][i] = true;
      }
    }
    for (int via = 0; via < n; via++) {
      for (int a = 0; a < n; a++) {
        for (int b = 0; b < n; b++) {
          reach[a][b] |= reach[a][via] && reach[via][b];
        }
      }
    }
    return reach;
  }
}

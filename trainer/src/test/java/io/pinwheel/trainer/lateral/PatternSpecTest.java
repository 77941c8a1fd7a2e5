package io.pinwheel.trainer.lateral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PatternSpecTest {

  @Test
  void shouldParseATreeAsDepthTimesBranching() {
    PatternSpec p = PatternSpec.parse("tree:3x4", null);

    assertThat(p).isEqualTo(new PatternSpec.Tree(3, 4));
    assertThat(p.units()).isEqualTo(1 + 4 + 16);
    assertThat(p.parents().orElseThrow()).hasSize(21).startsWith(-1, 0, 0, 0, 0, 1);
  }

  @Test
  void shouldParseFreeWithItsUnits() {
    PatternSpec p = PatternSpec.parse("free", 12);

    assertThat(p.units()).isEqualTo(12);
    assertThat(p.parents()).isEmpty();
    assertThat(p.pattern().free(0, 11)).isTrue();
  }

  @Test
  void shouldReadBackItsOwnSpec() {
    for (PatternSpec p : new PatternSpec[] {new PatternSpec.Tree(2, 5), new PatternSpec.Free(3)}) {
      assertThat(PatternSpec.parse(p.spec(), p.units())).isEqualTo(p);
    }
  }

  @Test
  void shouldAskForUnitsWithTheFreePattern() {
    assertThatThrownBy(() -> PatternSpec.parse("free", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--units");
  }

  @Test
  void shouldRefuseUnitsThatDisagreeWithTheTree() {
    assertThatThrownBy(() -> PatternSpec.parse("tree:2x3", 5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("units 5")
        .hasMessageContaining("4 nodes");
  }

  @Test
  void shouldExplainAMalformedTree() {
    assertThatThrownBy(() -> PatternSpec.parse("tree:3", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tree:DEPTHxBRANCH");
  }

  @Test
  void shouldRefuseAnUnknownPattern() {
    assertThatThrownBy(() -> PatternSpec.parse("ring", 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pattern must be free or tree:DEPTHxBRANCH, got ring");
  }

  @Test
  void shouldRefuseATreeTooLargeForTheMask() {
    assertThatThrownBy(() -> PatternSpec.parse("tree:6x8", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("4096");
  }
}

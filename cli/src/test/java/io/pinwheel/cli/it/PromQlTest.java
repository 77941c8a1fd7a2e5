package io.pinwheel.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromQlTest {

  @Test
  void shouldSplitAComparisonIntoItsNonLiteralOperand() {
    assertThat(PromQl.operands("pinwheel_model_version < 0"))
        .containsExactly("pinwheel_model_version");
  }

  @Test
  void shouldSplitSetOperatorsAndComparisonsAtTheTopLevelOnly() {
    assertThat(
            PromQl.operands("sum(lag{topic=\"a>b\"}) > 1000\n  and deriv(sum(lag)[10m:]) > bool 0"))
        .containsExactly("sum(lag{topic=\"a>b\"})", "deriv(sum(lag)[10m:])");
  }

  @Test
  void shouldKeepComparisonsInsideParentheses() {
    assertThat(PromQl.operands("count(up{job=\"pinwheel\"} == 1)"))
        .containsExactly("count(up{job=\"pinwheel\"} == 1)");
  }

  @Test
  void shouldNotSplitOnWordsInsideNames() {
    assertThat(PromQl.operands("brand_or_unless_total / 2 > 0.1"))
        .containsExactly("brand_or_unless_total / 2");
  }
}

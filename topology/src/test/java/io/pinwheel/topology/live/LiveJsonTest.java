package io.pinwheel.topology.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.pinwheel.extractor.model.OutputRule;
import io.pinwheel.extractor.model.OutputSpec;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class LiveJsonTest {
  @Test
  void shouldDescribeAKeepRuleByItsThreshold() {
    assertThat(LiveJson.describe(OutputSpec.threshold(0.25f))).isEqualTo("values above 0.25");
  }

  @Test
  void shouldSayThatAShrinkRuleSubtractsTheThreshold() {
    OutputSpec shrink = new OutputSpec(0.25f, OptionalInt.empty(), OutputRule.SHRINK);

    assertThat(LiveJson.describe(shrink)).isEqualTo("values above 0.25, less 0.25 (shrink)");
  }

  @Test
  void shouldNameTheTopKAfterTheThreshold() {
    OutputSpec top = new OutputSpec(0.25f, OptionalInt.of(200), OutputRule.KEEP);

    assertThat(LiveJson.describe(top)).isEqualTo("values above 0.25, the top 200 of them");
  }

  @Test
  void shouldNameTheFloorAfterTheTopK() {
    OutputSpec floor =
        new OutputSpec(0.25f, OptionalInt.of(200), OutputRule.SHRINK, OptionalInt.of(16));

    assertThat(LiveJson.describe(floor))
        .isEqualTo(
            "values above 0.25, less 0.25 (shrink), the top 200 of them, at least the 16 largest"
                + " when fewer pass");
  }
}

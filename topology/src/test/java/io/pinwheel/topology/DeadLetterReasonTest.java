package io.pinwheel.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.pinwheel.extractor.FrameDecodeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class DeadLetterReasonTest {

  @Test
  void shouldTakeEachDecoderReasonsTag() {
    for (FrameDecodeException.Reason r : FrameDecodeException.Reason.values()) {
      assertThat(DeadLetterReason.of(r).tag()).isEqualTo(r.tag());
    }
  }

  @Test
  void shouldSpellTheServicesOwnReasonsLikeTheDecoders() {
    assertThat(DeadLetterReason.ENCODE_ERROR.tag()).isEqualTo("encode-error");
    assertThat(DeadLetterReason.INTERNAL.tag()).isEqualTo("internal");
  }

  @Test
  void shouldFindEachReasonByItsTagAndNothingElse() {
    for (DeadLetterReason r : DeadLetterReason.values()) {
      assertThat(DeadLetterReason.fromTag(r.tag())).isSameAs(r);
    }
    assertThat(DeadLetterReason.fromTag("EMPTY")).isNull();
    assertThat(DeadLetterReason.fromTag(null)).isNull();
  }

  @Test
  void shouldBeListedInTheReadmeInOrder() throws Exception {
    String readme = Files.readString(Path.of("../README.md"));
    Matcher m = Pattern.compile("`pinwheel\\.error\\.reason`\\s*\\(([^)]*)\\)").matcher(readme);
    assertThat(m.find()).as("README lists the values of pinwheel.error.reason").isTrue();
    List<String> listed = new ArrayList<>();
    Matcher tick = Pattern.compile("`([^`]+)`").matcher(m.group(1));
    while (tick.find()) {
      listed.add(tick.group(1));
    }

    assertThat(listed)
        .containsExactlyElementsOf(
            Arrays.stream(DeadLetterReason.values()).map(DeadLetterReason::tag).toList());
  }
}

package io.pinwheel.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pinwheel.extractor.Frame;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameSetTest {

  /** Three 2x2x3 frames whose values count up from 0. */
  private static FrameSet counting() {
    float[] data = new float[3 * 2 * 2 * 3];
    for (int i = 0; i < data.length; i++) {
      data[i] = i;
    }
    return new FrameSet(3, 2, 2, 3, data);
  }

  @Test
  void shouldRejectDataOfTheWrongLengthNamingTheField() {
    assertThatThrownBy(() -> new FrameSet(2, 1, 2, 2, new float[7]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("data")
        .hasMessageContaining("8");
  }

  @Test
  void shouldRejectZeroCountNamingTheField() {
    assertThatThrownBy(() -> new FrameSet(0, 1, 2, 2, new float[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("count");
  }

  @Test
  void shouldRejectZeroChannelsNamingTheField() {
    assertThatThrownBy(() -> new FrameSet(1, 0, 2, 2, new float[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("channels");
  }

  @Test
  void shouldReturnFrameAsExtractorFrame() {
    Frame f = counting().frame(1);
    assertThat(f.channels()).isEqualTo(2);
    assertThat(f.height()).isEqualTo(2);
    assertThat(f.width()).isEqualTo(3);
    assertThat(f.get(0, 0, 0)).isEqualTo(12f);
    assertThat(f.get(1, 1, 2)).isEqualTo(23f);
  }

  @Test
  void shouldRejectFrameIndexOutOfRange() {
    assertThatThrownBy(() -> counting().frame(3)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void shouldSliceConsecutiveFrames() {
    FrameSet set = counting();
    FrameSet slice = set.slice(1, 3);
    assertThat(slice.count()).isEqualTo(2);
    assertThat(slice.frame(0)).isEqualTo(set.frame(1));
    assertThat(slice.frame(1)).isEqualTo(set.frame(2));
  }

  @Test
  void shouldRejectEmptySlice() {
    assertThatThrownBy(() -> counting().slice(2, 2)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void shouldBuildFromFramesInOrder() {
    FrameSet set = counting();
    assertThat(FrameSet.of(List.of(set.frame(0), set.frame(1), set.frame(2)))).isEqualTo(set);
  }

  @Test
  void shouldRejectFramesOfDifferentShapesNamingTheIndex() {
    Frame small = Frame.of(1, 2, 2, new float[4]);
    Frame large = Frame.of(1, 3, 3, new float[9]);
    assertThatThrownBy(() -> FrameSet.of(List.of(small, small, large)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("frames[2]")
        .hasMessageContaining("1x3x3")
        .hasMessageContaining("1x2x2");
  }

  @Test
  void shouldRejectEmptyFrameList() {
    assertThatThrownBy(() -> FrameSet.of(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty");
  }

  @Test
  void shouldCompareByValue() {
    assertThat(counting()).isEqualTo(counting()).hasSameHashCodeAs(counting());
    assertThat(counting()).isNotEqualTo(counting().slice(0, 2));
  }

  @Test
  void shouldDescribeShapeInToString() {
    assertThat(counting()).hasToString("FrameSet[3 x 2x2x3]");
  }
}

package io.pinwheel.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PatchSamplerTest {

  /**
   * Four 2-channel 6x5 frames in which every value encodes where it is: frame * 1000 + channel *
   * 100 + y * 10 + x.
   */
  private static FrameSet positional() {
    int count = 4;
    int c = 2;
    int h = 6;
    int w = 5;
    float[] data = new float[count * c * h * w];
    int i = 0;
    for (int f = 0; f < count; f++) {
      for (int ch = 0; ch < c; ch++) {
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            data[i++] = f * 1000 + ch * 100 + y * 10 + x;
          }
        }
      }
    }
    return new FrameSet(count, c, h, w, data);
  }

  @Test
  void shouldReturnPatchesOfTheRequestedSizeAndCountWithAllChannels() {
    FrameSet patches = PatchSampler.sample(positional(), 3, 50, 1L);
    assertThat(patches.count()).isEqualTo(50);
    assertThat(patches.channels()).isEqualTo(2);
    assertThat(patches.height()).isEqualTo(3);
    assertThat(patches.width()).isEqualTo(3);
  }

  @Test
  void shouldCopyContiguousWindowsOfOneFrame() {
    FrameSet patches = PatchSampler.sample(positional(), 3, 200, 7L);
    for (int p = 0; p < patches.count(); p++) {
      float origin = patches.frame(p).get(0, 0, 0);
      for (int ch = 0; ch < 2; ch++) {
        for (int y = 0; y < 3; y++) {
          for (int x = 0; x < 3; x++) {
            assertThat(patches.frame(p).get(ch, y, x)).isEqualTo(origin + ch * 100 + y * 10 + x);
          }
        }
      }
    }
  }

  @Test
  void shouldReachEveryFrameAndPosition() {
    FrameSet patches = PatchSampler.sample(positional(), 3, 2000, 3L);
    Set<Float> origins = new HashSet<>();
    for (int p = 0; p < patches.count(); p++) {
      origins.add(patches.frame(p).get(0, 0, 0));
    }
    // 4 frames x 4 rows x 3 columns of possible top-left corners.
    assertThat(origins).hasSize(4 * 4 * 3);
  }

  @Test
  void shouldGiveTheSamePatchesForTheSameSeed() {
    assertThat(PatchSampler.sample(positional(), 4, 100, 42L))
        .isEqualTo(PatchSampler.sample(positional(), 4, 100, 42L));
  }

  @Test
  void shouldGiveDifferentPatchesForDifferentSeeds() {
    assertThat(PatchSampler.sample(positional(), 4, 100, 42L))
        .isNotEqualTo(PatchSampler.sample(positional(), 4, 100, 43L));
  }

  @Test
  void shouldReturnWholeFramesWhenPatchIsFrameSized() {
    float[] data = new float[3 * 2 * 2];
    for (int i = 0; i < data.length; i++) {
      data[i] = i;
    }
    FrameSet frames = new FrameSet(3, 1, 2, 2, data);
    FrameSet patches = PatchSampler.sample(frames, 2, 30, 5L);
    Set<Integer> seen = new HashSet<>();
    for (int p = 0; p < patches.count(); p++) {
      int f = (int) patches.frame(p).get(0, 0, 0) / 4;
      assertThat(patches.frame(p)).isEqualTo(frames.frame(f));
      seen.add(f);
    }
    assertThat(seen).containsExactlyInAnyOrder(0, 1, 2);
  }

  @Test
  void shouldRejectPatchLargerThanFrameNamingBothSizes() {
    assertThatThrownBy(() -> PatchSampler.sample(positional(), 6, 1, 0L))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("patch size 6")
        .hasMessageContaining("6x5");
  }

  @Test
  void shouldRejectCountBelowOne() {
    assertThatThrownBy(() -> PatchSampler.sample(positional(), 2, 0, 0L))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("count");
  }
}

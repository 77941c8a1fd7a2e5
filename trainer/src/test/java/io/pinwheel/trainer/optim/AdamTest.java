package io.pinwheel.trainer.optim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AdamTest {
  @Test
  void shouldGiveTheSameBytesWhenTheStepIsTakenInRanges() {
    SplittableRandom rnd = new SplittableRandom(3);
    int n = 37;
    float[] p = new float[n];
    float[] g = new float[n];
    float[] m = new float[n];
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      p[i] = (float) rnd.nextGaussian();
      g[i] = (float) rnd.nextGaussian();
      m[i] = (float) rnd.nextGaussian() * 0.1f;
      v[i] = (float) rnd.nextDouble() * 0.1f;
    }
    float[] p2 = p.clone();
    float[] m2 = m.clone();
    float[] v2 = v.clone();
    Adam.step(p, g, m, v, 4, 0.01);
    Adam.step(p2, g, m2, v2, 0, 11, 4, 0.01);
    Adam.step(p2, g, m2, v2, 11, n, 4, 0.01);
    assertThat(p2).isEqualTo(p);
    assertThat(m2).isEqualTo(m);
    assertThat(v2).isEqualTo(v);
  }
}

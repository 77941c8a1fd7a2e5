package io.pinwheel.trainer.viz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pinwheel.trainer.viz.LossPlot.Series;
import java.util.List;
import org.junit.jupiter.api.Test;

class LossPlotTest {
  private static Series decaying(String name, double start, int steps) {
    double[] x = new double[steps];
    double[] y = new double[steps];
    for (int i = 0; i < steps; i++) {
      x[i] = i * 10;
      y[i] = start * Math.exp(-i / 20.0) + 0.01;
    }
    return new Series(name, x, y);
  }

  @Test
  void shouldDecodeToTheRequestedSize() {
    List<Series> series = List.of(decaying("reconstruction", 2, 100), decaying("total", 3, 100));

    Pngs.Picture picture = Pngs.decode(LossPlot.png(series, "step", 640, 400));

    assertThat(picture.width()).isEqualTo(640);
    assertThat(picture.height()).isEqualTo(400);
  }

  @Test
  void shouldDrawEachSeriesInItsOwnColour() {
    Series low = new Series("low", new double[] {0, 1}, new double[] {0, 0.2});
    Series high = new Series("high", new double[] {0, 1}, new double[] {1, 0.8});

    Pngs.Picture picture = Pngs.decode(LossPlot.png(List.of(low, high), "step", 400, 300));

    assertThat(count(picture, 180, 119, 31)).isGreaterThan(100);
    assertThat(count(picture, 14, 127, 255)).isGreaterThan(100);
  }

  private static int count(Pngs.Picture picture, int b, int g, int r) {
    int n = 0;
    int[] bgr = picture.bgr();
    for (int i = 0; i < bgr.length; i += 3) {
      if (bgr[i] == b && bgr[i + 1] == g && bgr[i + 2] == r) {
        n++;
      }
    }
    return n;
  }

  @Test
  void shouldUseALogScaleWhenPositiveValuesSpanMoreThanTenfold() {
    assertThat(LossPlot.logScale(List.of(decaying("loss", 5, 200)))).isTrue();
  }

  @Test
  void shouldUseALinearScaleWhenValuesSpanLessThanTenfold() {
    Series s = new Series("loss", new double[] {0, 1, 2}, new double[] {1, 0.5, 0.2});

    assertThat(LossPlot.logScale(List.of(s))).isFalse();
  }

  @Test
  void shouldUseALinearScaleWhenAValueIsNotPositive() {
    Series s = new Series("loss", new double[] {0, 1, 2}, new double[] {100, 1, 0});

    assertThat(LossPlot.logScale(List.of(s))).isFalse();
  }

  @Test
  void shouldDrawASinglePointAndAFlatSeries() {
    Series point = new Series("point", new double[] {3}, new double[] {0.5});
    Series flat = new Series("flat", new double[] {0, 3}, new double[] {0.5, 0.5});

    Pngs.Picture picture = Pngs.decode(LossPlot.png(List.of(point, flat), "step", 300, 200));

    assertThat(picture.width()).isEqualTo(300);
  }

  @Test
  void shouldFormatTickLabelsShortly() {
    assertThat(LossPlot.format(0.1 + 0.2)).isEqualTo("0.3");
    assertThat(LossPlot.format(1e-4)).isEqualTo("1e-4");
    assertThat(LossPlot.format(2.5e6)).isEqualTo("2.5e6");
    assertThat(LossPlot.format(1000)).isEqualTo("1000");
  }

  @Test
  void shouldCopyTheArraysSoLaterChangesDoNotShow() {
    double[] y = {1, 2};
    Series s = new Series("loss", new double[] {0, 1}, y);

    y[0] = 99;

    assertThat(s.y()).containsExactly(1, 2);
  }

  @Test
  void shouldRejectSeriesOfUnequalLengths() {
    assertThatThrownBy(() -> new Series("loss", new double[] {0, 1}, new double[] {1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("x and y");
  }

  @Test
  void shouldRejectANonFiniteValue() {
    assertThatThrownBy(() -> new Series("loss", new double[] {0, 1}, new double[] {1, Double.NaN}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("y must be finite");
  }

  @Test
  void shouldRejectABlankName() {
    assertThatThrownBy(() -> new Series(" ", new double[] {0}, new double[] {1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name");
  }

  @Test
  void shouldRejectAnEmptyListOfSeries() {
    assertThatThrownBy(() -> LossPlot.png(List.of(), "step", 400, 300))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("series");
  }

  @Test
  void shouldRejectATooSmallWidth() {
    List<Series> series = List.of(decaying("loss", 1, 10));

    assertThatThrownBy(() -> LossPlot.png(series, "step", 100, 300))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("width");
  }
}

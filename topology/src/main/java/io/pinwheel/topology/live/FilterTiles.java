package io.pinwheel.topology.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pinwheel.extractor.model.ConvLayer;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.FloatTensor;
import io.pinwheel.extractor.model.Layer;
import io.pinwheel.extractor.model.RecurrentLayer;
import java.io.IOException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A model's first-layer filters as tiles on a grid, ready to be drawn: for a topographic model
 * (trained with {@code --groups topo:RxC:k}) the R × C torus its pools are laid out on, so
 * neighbouring tiles are filters pooled together and the pinwheels show; otherwise the most nearly
 * square grid.
 *
 * <p>Each tile is scaled on its own symmetric range to integers in [-127, 127] (0 is mid-gray, as
 * in the trainer's {@code F.filters.png}): a shared range would leave weak filters flat. A tile has
 * the input's channels: one, or three in the extractor's BGR order. The filters of a conv layer are
 * its kernels; those of a recurrent (DrSAE) layer are the rows of its encoder, each the size of the
 * input frame.
 *
 * @param count the number of filters K
 * @param channels the input's channels, 1 or 3
 * @param height a tile's height
 * @param width a tile's width
 * @param rows the grid's rows
 * @param cols the grid's columns, {@code rows·cols = count}
 * @param topographic whether the grid is the model's topographic torus
 * @param values K tiles of {@code channels·height·width} values, each [C, H, W] row-major
 */
public record FilterTiles(
    int count,
    int channels,
    int height,
    int width,
    int rows,
    int cols,
    boolean topographic,
    byte[] values) {

  private static final Pattern TOPO = Pattern.compile("topo:(\\d+)x(\\d+):\\d+");
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The tiles of {@code model}'s first layer.
   *
   * @param model a model whose first layer is a conv or a recurrent layer
   * @return the tiles, or empty for a model with neither first
   */
  public static Optional<FilterTiles> of(EncoderModel model) {
    Layer first = model.layers().get(0);
    FloatTensor w;
    int c;
    int h;
    int wd;
    if (first instanceof ConvLayer conv) {
      w = conv.weights();
      c = w.dim(1);
      h = w.dim(2);
      wd = w.dim(3);
    } else if (first instanceof RecurrentLayer rec) {
      w = rec.encoder();
      c = model.input().channels();
      h = model.input().height();
      wd = model.input().width();
      if ((long) c * h * wd != w.dim(1)) {
        return Optional.empty();
      }
    } else {
      return Optional.empty();
    }
    int k = w.dim(0);
    int[] grid = topographicGrid(model, k);
    boolean topographic = grid != null;
    if (grid == null) {
      grid = nearSquare(k);
    }
    int tile = c * h * wd;
    float[] all = w.toArray();
    byte[] values = new byte[k * tile];
    float[] t = new float[tile];
    for (int j = 0; j < k; j++) {
      System.arraycopy(all, j * tile, t, 0, tile);
      float max = 0;
      for (float v : t) {
        max = Math.max(max, Math.abs(v));
      }
      for (int i = 0; i < t.length; i++) {
        values[j * t.length + i] = (byte) (max == 0 ? 0 : Math.round(127 * t[i] / max));
      }
    }
    return Optional.of(new FilterTiles(k, c, h, wd, grid[0], grid[1], topographic, values));
  }

  /** The R × C torus of a model trained with topographic groups of K maps, or null. */
  private static int[] topographicGrid(EncoderModel model, int k) {
    JsonNode groups;
    try {
      groups = JSON.readTree(model.training()).path("options").path("groups");
    } catch (IOException e) {
      return null;
    }
    Matcher m = TOPO.matcher(groups.asText(""));
    if (!m.matches()) {
      return null;
    }
    int rows = Integer.parseInt(m.group(1));
    int cols = Integer.parseInt(m.group(2));
    return (long) rows * cols == k ? new int[] {rows, cols} : null;
  }

  /** The grid with the most nearly equal sides whose cells are exactly {@code k}. */
  private static int[] nearSquare(int k) {
    int rows = (int) Math.floor(Math.sqrt(k));
    while (k % rows != 0) {
      rows--;
    }
    return new int[] {rows, k / rows};
  }
}

package io.pinwheel.trainer.viz;

import io.pinwheel.extractor.OpenCv;
import io.pinwheel.extractor.model.FloatTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Scalar;
import org.opencv.imgproc.Imgproc;

/**
 * Dictionary atoms laid out along a tree (or forest): the roots on the top row, every node's
 * children on the row below, centred under it, joined to it by a line. The layout is the tidy one
 * for ordered trees: leaves take consecutive columns in depth-first order and every inner node sits
 * midway between its first and last child, so subtrees never overlap and a complete tree comes out
 * symmetric.
 *
 * <p>Atoms are drawn as {@link FilterMosaic} draws them (each on its own symmetric gray range),
 * framed in its separator colour, on white. With an activity per unit, the left margin says how
 * often the units of each level fire: the tree's promise is that deeper units are more selective.
 */
public final class AtomTree {
  private static final double FONT_SCALE = 0.42;
  private static final Scalar WHITE = new Scalar(255, 255, 255);
  private static final Scalar INK = new Scalar(30, 30, 30);
  private static final Scalar EDGE = new Scalar(120, 120, 120);
  private static final int LINE_HEIGHT = 16;

  private AtomTree() {}

  /**
   * The tree picture.
   *
   * @param atoms the atoms [K, C, kh, kw], all finite
   * @param parent parent[i] of unit i, or −1 for a root; must describe a forest over the K units
   * @param activity for each unit, the fraction of patches it fires on, or null to leave the margin
   *     out
   * @param caption a line of text under the tree, or null for none
   * @param scale the upscaling factor of the atoms, positive
   * @return PNG bytes of a BGR picture
   * @throws IllegalArgumentException naming the argument that is out of range
   */
  public static byte[] png(
      FloatTensor atoms, int[] parent, double[] activity, String caption, int scale) {
    FilterMosaic.checkWeights(atoms);
    PngEncoding.requireScale(scale);
    int k = atoms.dim(0);
    if (parent == null || parent.length != k) {
      throw new IllegalArgumentException("parent must have one entry per atom (" + k + ")");
    }
    if (activity != null && activity.length != k) {
      throw new IllegalArgumentException("activity must have one entry per atom (" + k + ")");
    }
    int[] level = levels(parent);
    double[] column = columns(parent);
    int levels = 0;
    double columns = 0;
    for (int i = 0; i < k; i++) {
      levels = Math.max(levels, level[i] + 1);
      columns = Math.max(columns, column[i] + 1);
    }
    int tileW = atoms.dim(3) * scale;
    int tileH = atoms.dim(2) * scale;
    int gapX = Math.max(4, tileW / 4);
    int gapY = Math.max(18, tileH * 2 / 3);
    String[][] labels = activity == null ? null : levelLabels(level, activity, levels);
    int margin = 0;
    if (labels != null) {
      for (String[] l : labels) {
        for (String line : l) {
          margin = Math.max(margin, LossPlot.textWidth(line, FONT_SCALE) + 16);
        }
      }
    }
    long width = margin + Math.round(columns) * (long) (tileW + gapX) + gapX;
    long height = gapY + levels * (long) (tileH + gapY) + (caption == null ? 0 : LINE_HEIGHT);
    if (caption != null) {
      width = Math.max(width, LossPlot.textWidth(caption, FONT_SCALE) + 2L * gapX);
    }
    if (width * height * 3 > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "scale " + scale + " makes a " + width + " x " + height + " picture, too large");
    }
    int[] x0 = new int[k];
    int[] y0 = new int[k];
    for (int i = 0; i < k; i++) {
      x0[i] = (int) Math.round(margin + gapX + column[i] * (tileW + gapX));
      y0[i] = gapY + level[i] * (tileH + gapY);
    }
    OpenCv.load();
    Mat canvas = new Mat((int) height, (int) width, CvType.CV_8UC3, WHITE);
    try {
      for (int i = 0; i < k; i++) {
        int p = parent[i];
        if (p >= 0) {
          Imgproc.line(
              canvas,
              new Point(x0[p] + tileW / 2.0, y0[p] + tileH + 1),
              new Point(x0[i] + tileW / 2.0, y0[i] - 2),
              EDGE,
              1,
              Imgproc.LINE_AA);
        }
      }
      float[] flat = atoms.toArray();
      for (int i = 0; i < k; i++) {
        Imgproc.rectangle(
            canvas,
            new Point(x0[i] - 1, y0[i] - 1),
            new Point(x0[i] + tileW, y0[i] + tileH),
            FilterMosaic.SEPARATOR_COLOUR,
            1);
        FilterMosaic.drawTile(canvas, atoms, flat, i, x0[i], y0[i], scale);
      }
      if (labels != null) {
        for (int l = 0; l < levels; l++) {
          int y = gapY + l * (tileH + gapY) + tileH / 2;
          LossPlot.putText(canvas, labels[l][0], 8, y - 2, FONT_SCALE, INK);
          LossPlot.putText(canvas, labels[l][1], 8, y + LINE_HEIGHT - 2, FONT_SCALE, INK);
        }
      }
      if (caption != null) {
        LossPlot.putText(canvas, caption, gapX, (int) height - 6, FONT_SCALE, INK);
      }
      return PngEncoding.encode(canvas);
    } finally {
      canvas.release();
    }
  }

  /**
   * The tidy columns of a forest's nodes: leaves at 0, 1, 2, … in depth-first order (roots and
   * children in index order), an inner node midway between its first and last child.
   *
   * @param parent parent[i] of node i, or −1 for a root
   * @return the column of every node, in units of one tile
   * @throws IllegalArgumentException if parent has an entry out of range or a cycle
   */
  static double[] columns(int[] parent) {
    int k = parent.length;
    List<List<Integer>> children = children(parent);
    double[] column = new double[k];
    double next = 0;
    // Iterative post-order, so a long chain cannot overflow the stack.
    for (int root = 0; root < k; root++) {
      if (parent[root] >= 0) {
        continue;
      }
      List<int[]> stack = new ArrayList<>();
      stack.add(new int[] {root, 0});
      while (!stack.isEmpty()) {
        int[] top = stack.get(stack.size() - 1);
        List<Integer> kids = children.get(top[0]);
        if (top[1] < kids.size()) {
          stack.add(new int[] {kids.get(top[1]++), 0});
        } else {
          stack.remove(stack.size() - 1);
          column[top[0]] =
              kids.isEmpty()
                  ? next++
                  : (column[kids.get(0)] + column[kids.get(kids.size() - 1)]) / 2;
        }
      }
    }
    return column;
  }

  /** The depth of every node, 0 for the roots; refuses out-of-range parents and cycles. */
  static int[] levels(int[] parent) {
    int k = parent.length;
    int[] level = new int[k];
    for (int i = 0; i < k; i++) {
      int steps = 0;
      for (int a = parent[i]; a >= 0; a = parent[a]) {
        if (a >= k) {
          throw new IllegalArgumentException(
              "parent[" + i + "] chain reaches " + a + ", not a node in [0, " + k + ")");
        }
        if (++steps > k) {
          throw new IllegalArgumentException("parent has a cycle through node " + i);
        }
      }
      if (parent[i] < -1) {
        throw new IllegalArgumentException("parent[" + i + "] must be >= -1, got " + parent[i]);
      }
      level[i] = steps;
    }
    return level;
  }

  private static List<List<Integer>> children(int[] parent) {
    List<List<Integer>> children = new ArrayList<>();
    for (int i = 0; i < parent.length; i++) {
      children.add(new ArrayList<>());
    }
    for (int i = 0; i < parent.length; i++) {
      if (parent[i] >= 0) {
        children.get(parent[i]).add(i);
      }
    }
    return children;
  }

  private static String[][] levelLabels(int[] level, double[] activity, int levels) {
    double[] sum = new double[levels];
    int[] count = new int[levels];
    for (int i = 0; i < level.length; i++) {
      sum[level[i]] += activity[i];
      count[level[i]]++;
    }
    String[][] labels = new String[levels][];
    for (int l = 0; l < levels; l++) {
      labels[l] =
          new String[] {
            "level " + (l + 1),
            String.format(Locale.ROOT, "fires %.1f%%", 100 * sum[l] / Math.max(1, count[l]))
          };
    }
    return labels;
  }
}

package io.pinwheel.trainer.eval;

import io.pinwheel.extractor.OpenCv;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.trainer.data.GrayImages;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * How much a representation stays the same when the image moves a little: the mean cosine
 * similarity between the representation of each image and of a shifted or rotated copy (the old
 * score), and the centred figures of {@link #centred}: whether the moved copy still finds its own
 * original among all N by cosine once the mean of the N originals is taken out, and how close same
 * image pairs are next to different image pairs. The uncentred cosine of non-negative, mostly dense
 * codes is high even between different images; the centred figures are the ones to compare.
 *
 * <p>Transforms run on the 8-bit images, before normalization, with OpenCV's {@code warpAffine}
 * (bilinear, border filled with 0, the Fashion-MNIST background), so the encoder sees exactly what
 * it would see if the shifted image had been the input file. A shift by s pixels is scored as the
 * mean over the four directions (right, left, down, up): items are not centred symmetrically in
 * their frame, and one direction alone would mix the shift with the crop on one side.
 *
 * <p>Cosine of two vectors where one is all zeros is 0 (the representation lost everything), and of
 * two all-zero vectors is 1 (they are the same). Pixels are pixel/255; codes are {@link
 * CodeFeatures#prePooling} and {@link CodeFeatures#pooled}.
 */
public final class Invariance {
  private Invariance() {}

  /**
   * An affine move of an image: rotation by {@code degrees} about the image centre ((W-1)/2,
   * (H-1)/2), counter-clockwise as seen on screen, then a shift by (dx, dy) pixels (right, down).
   *
   * @param dx pixels right, finite
   * @param dy pixels down, finite
   * @param degrees counter-clockwise rotation, finite
   */
  public record Transform(double dx, double dy, double degrees) {
    /** Validates every field. */
    public Transform {
      if (!Double.isFinite(dx) || !Double.isFinite(dy) || !Double.isFinite(degrees)) {
        throw new IllegalArgumentException(
            "dx, dy and degrees must be finite, got " + dx + ", " + dy + ", " + degrees);
      }
    }

    /** A shift by (dx, dy). */
    public static Transform shift(double dx, double dy) {
      return new Transform(dx, dy, 0);
    }

    /** A rotation about the centre. */
    public static Transform rotate(double degrees) {
      return new Transform(0, 0, degrees);
    }
  }

  /**
   * One row of the table: a name and the transforms whose scores are averaged.
   *
   * @param name the row's label, non-blank
   * @param transforms at least one
   */
  public record Case(String name, List<Transform> transforms) {
    /** Validates and copies. */
    public Case {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("name must not be blank");
      }
      transforms = List.copyOf(transforms);
      if (transforms.isEmpty()) {
        throw new IllegalArgumentException("transforms must hold at least one transform");
      }
    }

    /** A shift by {@code pixels} in each of the four directions. */
    public static Case shift(int pixels) {
      return new Case(
          "shift " + pixels,
          List.of(
              Transform.shift(pixels, 0),
              Transform.shift(-pixels, 0),
              Transform.shift(0, pixels),
              Transform.shift(0, -pixels)));
    }

    /** A rotation by {@code degrees} about the centre. */
    public static Case rotate(double degrees) {
      String sign = degrees > 0 ? "+" : "";
      String amount =
          degrees == Math.rint(degrees) ? Long.toString((long) degrees) : Double.toString(degrees);
      return new Case("rotate " + sign + amount, List.of(Transform.rotate(degrees)));
    }
  }

  /**
   * One case's scores for each representation: the old uncentred mean cosine, and the centred
   * figures of {@link #centred}.
   *
   * @param transform the case's name
   * @param pixels uncentred mean cosine for pixel/255 vectors
   * @param prePooling the same for the conv + ReLU + gain output; null for a model without pooling
   * @param pooled the same for the codes users consume
   * @param pixelsCentred centred retrieval and cosines for pixels
   * @param prePoolingCentred the same for pre-pooling codes; null for a model without pooling
   * @param pooledCentred the same for the codes users consume
   */
  public record Row(
      String transform,
      double pixels,
      Double prePooling,
      double pooled,
      Centred pixelsCentred,
      Centred prePoolingCentred,
      Centred pooledCentred) {
    /** Validates the name. */
    public Row {
      Objects.requireNonNull(transform, "transform");
      Objects.requireNonNull(pixelsCentred, "pixelsCentred");
      Objects.requireNonNull(pooledCentred, "pooledCentred");
    }
  }

  /**
   * How well moved copies find their originals when the representation's mean is taken out: every
   * vector has the mean of the N originals subtracted, then cosines are taken (a zero vector has
   * cosine 0 with everything).
   *
   * @param retrievalAt1 the share of moved copies whose nearest original (highest centred cosine,
   *     the lower index on a tie) is their own
   * @param sameCosine the mean centred cosine between a moved copy and its own original
   * @param differentCosine the mean centred cosine between a moved copy and the other originals
   */
  public record Centred(double retrievalAt1, double sameCosine, double differentCosine) {
    /** The mean of several results, field by field. */
    static Centred mean(List<Centred> all) {
      double r = 0;
      double s = 0;
      double d = 0;
      for (Centred c : all) {
        r += c.retrievalAt1;
        s += c.sameCosine;
        d += c.differentCosine;
      }
      int n = all.size();
      return new Centred(r / n, s / n, d / n);
    }
  }

  /** Shifts by 1, 2 and 3 pixels, rotations by +5, -5, +10 and -10 degrees. */
  public static List<Case> standardCases() {
    return List.of(
        Case.shift(1),
        Case.shift(2),
        Case.shift(3),
        Case.rotate(5),
        Case.rotate(-5),
        Case.rotate(10),
        Case.rotate(-10));
  }

  /**
   * Scores {@link #standardCases()} on {@code images}.
   *
   * @param threads encoder threads, at least 1
   */
  public static List<Row> measure(EncoderModel model, GrayImages images, int threads) {
    return measure(model, images, standardCases(), threads);
  }

  /**
   * Scores each case on {@code images}: pixels, pre-pooling codes and pooled codes.
   *
   * @param threads encoder threads, at least 1
   * @throws IllegalArgumentException if the images' size does not match the model's input
   */
  public static List<Row> measure(
      EncoderModel model, GrayImages images, List<Case> cases, int threads) {
    return measure(model, images, cases, threads, c -> {});
  }

  /**
   * {@link #measure(EncoderModel, GrayImages, List, int)}, telling {@code listener} as each case
   * begins.
   */
  public static List<Row> measure(
      EncoderModel model,
      GrayImages images,
      List<Case> cases,
      int threads,
      Consumer<Case> listener) {
    CodeFeatures.checkSize(model, images);
    EncoderModel pre = CodeFeatures.prePoolingModel(model).orElse(null);
    List<Row> rows = new ArrayList<>();
    try (INDArray px = CodeFeatures.pixels(images);
        INDArray hx = pre == null ? null : CodeFeatures.pooled(pre, images, threads);
        INDArray cx = CodeFeatures.pooled(model, images, threads)) {
      for (Case c : cases) {
        listener.accept(c);
        double sp = 0;
        double sh = 0;
        double sc = 0;
        List<Centred> cp = new ArrayList<>();
        List<Centred> ch = new ArrayList<>();
        List<Centred> cc = new ArrayList<>();
        for (Transform t : c.transforms()) {
          GrayImages moved = transform(images, t);
          try (INDArray pm = CodeFeatures.pixels(moved);
              INDArray hm = pre == null ? null : CodeFeatures.pooled(pre, moved, threads);
              INDArray cm = CodeFeatures.pooled(model, moved, threads)) {
            sp += meanCosine(px, pm);
            cp.add(centred(px, pm));
            if (pre != null) {
              sh += meanCosine(hx, hm);
              ch.add(centred(hx, hm));
            }
            sc += meanCosine(cx, cm);
            cc.add(centred(cx, cm));
          }
        }
        int n = c.transforms().size();
        rows.add(
            new Row(
                c.name(),
                sp / n,
                pre == null ? null : sh / n,
                sc / n,
                Centred.mean(cp),
                pre == null ? null : Centred.mean(ch),
                Centred.mean(cc)));
      }
    }
    return rows;
  }

  /**
   * {@code images} moved by {@code t}: bilinear interpolation, zeros outside, rounded back to 8
   * bits. Labels are kept.
   */
  public static GrayImages transform(GrayImages images, Transform t) {
    OpenCv.load();
    int h = images.height();
    int w = images.width();
    byte[] out = new byte[images.pixels().length];
    byte[] one = new byte[h * w];
    Mat m = Imgproc.getRotationMatrix2D(new Point((w - 1) / 2.0, (h - 1) / 2.0), t.degrees(), 1);
    Mat src = new Mat(h, w, CvType.CV_8UC1);
    Mat dst = new Mat(h, w, CvType.CV_8UC1);
    try {
      m.put(0, 2, m.get(0, 2)[0] + t.dx());
      m.put(1, 2, m.get(1, 2)[0] + t.dy());
      Size size = new Size(w, h);
      Scalar zero = new Scalar(0);
      for (int i = 0; i < images.count(); i++) {
        System.arraycopy(images.pixels(), i * h * w, one, 0, h * w);
        src.put(0, 0, one);
        Imgproc.warpAffine(src, dst, m, size, Imgproc.INTER_LINEAR, Core.BORDER_CONSTANT, zero);
        dst.get(0, 0, one);
        System.arraycopy(one, 0, out, i * h * w, h * w);
      }
    } finally {
      m.release();
      src.release();
      dst.release();
    }
    return new GrayImages(images.count(), h, w, out, images.labels());
  }

  /**
   * Centred retrieval of each row of {@code moved} among the rows of {@code originals}: both [N, D]
   * float, row i of {@code moved} a moved copy of row i of {@code originals}, N at least 2.
   *
   * @throws IllegalArgumentException if the shapes differ or N is below 2
   */
  public static Centred centred(INDArray originals, INDArray moved) {
    checkPair(originals, moved);
    int n = originals.rows();
    if (n < 2) {
      throw new IllegalArgumentException("centred retrieval needs at least 2 originals, got " + n);
    }
    float[] sim;
    try (INDArray mean = originals.mean(0);
        INDArray o = unitRows(originals.subRowVector(mean));
        INDArray m = unitRows(moved.subRowVector(mean));
        INDArray s = m.mmul(o.transpose());
        INDArray rowMajor = s.dup('c')) {
      sim = rowMajor.data().asFloat();
    }
    int found = 0;
    double same = 0;
    double different = 0;
    for (int i = 0; i < n; i++) {
      int best = 0;
      float bestValue = Float.NEGATIVE_INFINITY;
      for (int j = 0; j < n; j++) {
        float v = sim[i * n + j];
        if (v > bestValue) {
          bestValue = v;
          best = j;
        }
        if (j == i) {
          same += v;
        } else {
          different += v;
        }
      }
      if (best == i) {
        found++;
      }
    }
    return new Centred((double) found / n, same / n, different / ((double) n * (n - 1)));
  }

  /** {@code a} with each row scaled to unit length; all-zero rows stay zero. Replaces {@code a}. */
  private static INDArray unitRows(INDArray a) {
    try (INDArray norms = a.norm2(1)) {
      float[] v = norms.data().asFloat();
      for (int i = 0; i < v.length; i++) {
        v[i] = v[i] > 0 ? 1 / v[i] : 0;
      }
      try (INDArray inverse = Nd4j.create(v, new long[] {v.length, 1}, a.dataType())) {
        return a.muliColumnVector(inverse);
      }
    }
  }

  private static void checkPair(INDArray a, INDArray b) {
    if (a.rank() != 2 || !java.util.Arrays.equals(a.shape(), b.shape())) {
      throw new IllegalArgumentException(
          "a and b must be matrices of one shape, got "
              + java.util.Arrays.toString(a.shape())
              + " and "
              + java.util.Arrays.toString(b.shape()));
    }
  }

  /**
   * The mean over rows of the cosine between row i of {@code a} and row i of {@code b}; both [N, D]
   * float, contiguous row-major (as {@link CodeFeatures} makes them).
   */
  public static double meanCosine(INDArray a, INDArray b) {
    checkPair(a, b);
    int n = a.rows();
    int d = a.columns();
    FloatBuffer fa = a.data().asNioFloat();
    FloatBuffer fb = b.data().asNioFloat();
    float[] ra = new float[d];
    float[] rb = new float[d];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      fa.get(i * d, ra, 0, d);
      fb.get(i * d, rb, 0, d);
      sum += cosine(ra, rb);
    }
    return sum / n;
  }

  /** The cosine of two vectors of one length, with the zero-vector rule of the class comment. */
  public static double cosine(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException(
          "a and b must have one length, got " + a.length + " and " + b.length);
    }
    double ab = 0;
    double aa = 0;
    double bb = 0;
    for (int i = 0; i < a.length; i++) {
      ab += (double) a[i] * b[i];
      aa += (double) a[i] * a[i];
      bb += (double) b[i] * b[i];
    }
    if (aa == 0 && bb == 0) {
      return 1;
    }
    if (aa == 0 || bb == 0) {
      return 0;
    }
    return ab / Math.sqrt(aa * bb);
  }
}

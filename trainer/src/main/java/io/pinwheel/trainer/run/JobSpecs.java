package io.pinwheel.trainer.run;

import io.pinwheel.extractor.model.EncoderFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The checks every training job's spec shares: its output must be an encoder file, and every
 * problem found is reported at once.
 */
public final class JobSpecs {
  private JobSpecs() {}

  /**
   * Starts a spec's list of problems with its output file's.
   *
   * @param out where the model is to be written
   * @return a modifiable list: empty, or naming what is wrong with {@code out}
   */
  public static List<String> problemsWithOut(Path out) {
    List<String> bad = new ArrayList<>();
    if (!out.getFileName().toString().endsWith(EncoderFile.EXTENSION)) {
      bad.add("out must end in " + EncoderFile.EXTENSION + ", got " + out);
    }
    return bad;
  }

  /**
   * Refuses a spec with problems, naming all of them.
   *
   * @param bad the problems found
   * @throws IllegalArgumentException if there are any, with all of them joined by {@code ;}
   */
  public static void requireNone(List<String> bad) {
    if (!bad.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", bad));
    }
  }
}

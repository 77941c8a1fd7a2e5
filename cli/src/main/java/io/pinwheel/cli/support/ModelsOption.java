package io.pinwheel.cli.support;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --model} given several times, for a command that measures each model it is given ({@code
 * bench decode}): the same names and files as {@link ModelOption}, read by its loader. When none is
 * given the command chooses its own set.
 */
public final class ModelsOption {
  @Option(
      names = "--model",
      paramLabel = "FILE.pwe|NAME",
      description = {
        "A model to measure, as every --model takes it: a .pwe file or a model the program"
            + " carries (natural, fashion-mnist, drsae, gabor); repeat for several."
      })
  List<String> models = new ArrayList<>();

  /** What was given, in order; empty when nothing was. */
  public List<String> choices() {
    return List.copyOf(models);
  }

  /**
   * Loads every model given, in order.
   *
   * @throws ModelOption.UnusableModelException naming the first that cannot be used
   */
  public List<ModelOption.Loaded> load() throws ModelOption.UnusableModelException {
    List<ModelOption.Loaded> loaded = new ArrayList<>();
    for (String m : models) {
      loaded.add(ModelOption.load(m));
    }
    return loaded;
  }
}

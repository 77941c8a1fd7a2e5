package io.pinwheel.cli.models;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pinwheel.cli.support.CliContext;
import io.pinwheel.cli.support.ExitCodes;
import io.pinwheel.cli.support.ModelOption;
import io.pinwheel.extractor.model.ConvLayer;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.trainer.viz.Topography;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pinwheel eval topography}: the figures of a model's orientation map on its torus. */
@Command(
    name = "topography",
    mixinStandardHelpOptions = true,
    description = {
      "Reads the orientation map a topographic model's first conv filters make on its torus (the"
          + " torus of its training provenance, topo:RxC:K, or --grid) and prints its figures:"
          + " pinwheels (plaquettes whose doubled orientation winds), the mean orientation"
          + " difference between torus neighbours, the mean orientation selectivity, the dominant"
          + " wavelength (from the power spectrum of exp(2i theta) over the torus, in cells) and"
          + " pinwheels per squared wavelength, next to the pi that Kaschube et al. (Science"
          + " 2010) measured in visual cortex.",
      "Prints a table, or one JSON object with --json.",
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      ExitCodes.OK_HELP,
      "2:nothing done: invalid options, a missing or unreadable model, or a model with no torus",
      ExitCodes.INTERNAL_HELP
    })
public final class EvalTopographyCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final CliContext context;

  @Mixin ModelOption model;

  @Option(
      names = "--grid",
      paramLabel = "RxC",
      description =
          "The torus the filters lie on, row-major. Default: the model's training provenance.")
  String grid;

  @Option(names = "--json", description = "Print one JSON object instead of the table.")
  boolean json;

  public EvalTopographyCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    EncoderModel encoderModel;
    try {
      encoderModel = model.load().model();
    } catch (ModelOption.UnusableModelException e) {
      return usage(e.getMessage());
    }
    Optional<int[]> torus;
    if (grid != null) {
      String[] parts = grid.split("x", -1);
      try {
        if (parts.length != 2) {
          throw new NumberFormatException();
        }
        torus = Optional.of(new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])});
      } catch (NumberFormatException e) {
        return usage("invalid --grid '" + grid + "': expected RxC, e.g. 16x16");
      }
    } else {
      torus = Topography.torusOf(encoderModel.training());
    }
    if (torus.isEmpty()) {
      return usage(
          encoderModel.name()
              + " has no topographic grouping in its training provenance: give --grid RxC");
    }
    if (!(encoderModel.layers().get(0) instanceof ConvLayer conv)) {
      return usage(encoderModel.name() + " has no conv filters to map");
    }
    Topography t;
    try {
      t = Topography.of(conv.weights(), torus.get()[0], torus.get()[1]);
    } catch (IllegalArgumentException e) {
      return usage(e.getMessage());
    }
    if (json) {
      ObjectNode o = JSON.createObjectNode();
      o.put("model", encoderModel.name());
      o.put("version", encoderModel.version());
      o.put("rows", t.rows());
      o.put("cols", t.cols());
      t.putFigures(o);
      o.put(
          "cortexPinwheelsPerWavelengthSquared",
          Topography.CORTEX_PINWHEELS_PER_WAVELENGTH_SQUARED);
      context.out().println(o.toString());
    } else {
      context
          .out()
          .printf(
              Locale.ROOT,
              "model %s v%d on a %dx%d torus%npinwheels %d%nmean orientation difference between"
                  + " neighbours %.1f degrees (random: 45)%nmean selectivity %.3f%n"
                  + "dominant wavelength %s cells%npinwheels per squared wavelength %s (visual"
                  + " cortex: pi = 3.14)%n",
              encoderModel.name(),
              encoderModel.version(),
              t.rows(),
              t.cols(),
              t.pinwheels(),
              t.neighbourDifferenceDegrees(),
              t.meanSelectivity(),
              t.wavelength().isPresent()
                  ? String.format(Locale.ROOT, "%.2f", t.wavelength().getAsDouble())
                  : "none (uniform map)",
              t.pinwheelsPerWavelengthSquared().isPresent()
                  ? String.format(
                      Locale.ROOT, "%.2f", t.pinwheelsPerWavelengthSquared().getAsDouble())
                  : "none");
      context.out().flush();
    }
    return ExitCodes.OK;
  }

  private int usage(String message) {
    context.err().println("pinwheel eval topography: " + message);
    return ExitCodes.USAGE;
  }
}

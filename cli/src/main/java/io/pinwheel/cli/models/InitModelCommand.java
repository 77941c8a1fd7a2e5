package io.pinwheel.cli.models;

import io.pinwheel.cli.support.CliContext;
import io.pinwheel.cli.support.ExitCodes;
import io.pinwheel.cli.support.JsonLines;
import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.trainer.GaborModelOptions;
import io.pinwheel.trainer.InitialModels;
import io.pinwheel.trainer.ModelVersions;
import io.pinwheel.trainer.Pooling;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code pinwheel init-model}: writes an analytic Gabor model, no training needed. */
@Command(
    name = "init-model",
    mixinStandardHelpOptions = true,
    description = {
      "Writes an initial encoder model built without training: an oriented Gabor filter bank,"
          + " ReLU with bias -0.1, L2 pooling (2x2 window, stride 2) over groups of maps,"
          + " LCN (sigma 2) on the input.",
      "Prints one JSON line saying what was written:",
      "  {\"written\":FILE,\"name\":N,\"version\":V,\"input\":[H,W,C],",
      "   \"shape\":[G,H',W'],\"pooling\":P,\"threshold\":T}",
      "An existing FILE is replaced only with --force; if it holds a model of the same name,"
          + " the new version is its version + 1 (versions only grow for a name), otherwise 1.",
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      ExitCodes.OK_HELP,
      "1:the model file could not be written",
      "2:nothing written: invalid options, or FILE exists and --force was not given",
      ExitCodes.INTERNAL_HELP
    })
public final class InitModelCommand implements Callable<Integer> {
  private final CliContext context;

  @Spec CommandSpec spec;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE.pwe",
      description = "Where to write the model.")
  Path out;

  @Option(
      names = "--name",
      defaultValue = InitialModels.DEFAULT_NAME,
      description = "Model name (letters, digits, '.', '_', '-'). Default: ${DEFAULT-VALUE}.")
  String name;

  @Option(
      names = "--size",
      defaultValue = "96",
      paramLabel = "PIXELS",
      description = "Input height and width. Default: ${DEFAULT-VALUE}.")
  int size;

  @Option(
      names = "--channels",
      defaultValue = "1",
      paramLabel = "C",
      description = "Input channels: 1 (gray) or 3 (BGR). Default: ${DEFAULT-VALUE}.")
  int channels;

  @Option(
      names = "--filters",
      defaultValue = "64",
      paramLabel = "K",
      description = {
        "Gabor filters, a multiple of 8: K/8 orientations x 4 phases x 2 wavelengths.",
        "Default: ${DEFAULT-VALUE}."
      })
  int filters;

  @Option(
      names = "--kernel",
      defaultValue = "9",
      paramLabel = "k",
      description = "Filter side in pixels, at least 5. Default: ${DEFAULT-VALUE}.")
  int kernel;

  @Option(
      names = "--groups",
      defaultValue = "block:4",
      paramLabel = "SPEC",
      converter = PoolingConverter.class,
      description = {
        "Pooling groups: block:M (disjoint groups of M consecutive maps: the 4 phases of one"
            + " orientation and wavelength for M=4) or topo:RxC:K[:SIGMA] (one pool per map on an"
            + " RxC torus over its KxK neighbourhood, Gaussian-weighted when SIGMA is given;"
            + " with C=8 each row is one orientation).",
        "Default: ${DEFAULT-VALUE}."
      })
  Pooling groups;

  @Option(
      names = "--threshold",
      paramLabel = "T",
      description = {
        "Output threshold: pooled values above it enter the sparse code.",
        "Default: 1.25 * sqrt(pool weight sum * window^2): 5 for block:4, which keeps about 10%%"
            + " of outputs on natural-like images and 30%% on dense texture."
      })
  Double threshold;

  @Option(
      names = "--force",
      description = "Replace FILE if it exists (bumping the version when the name is the same).")
  boolean force;

  public InitModelCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    int version = 1;
    if (Files.exists(out)) {
      if (!force) {
        context
            .err()
            .println("pinwheel init-model: " + out + " exists; pass --force to replace it");
        return ExitCodes.USAGE;
      }
      version =
          ModelVersions.next(
              out,
              name,
              warning ->
                  context
                      .err()
                      .println("pinwheel init-model: warning: " + warning + "; writing version 1"));
    }
    GaborModelOptions options =
        new GaborModelOptions(
            name,
            version,
            size,
            channels,
            filters,
            kernel,
            groups,
            threshold == null ? OptionalDouble.empty() : OptionalDouble.of(threshold));
    EncoderModel model;
    try {
      model = InitialModels.gabor(options);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "invalid model: " + e.getMessage(), e);
    }
    try {
      EncoderFile.write(model, out);
    } catch (IOException e) {
      context.err().println("pinwheel init-model: cannot write " + out + ": " + e.getMessage());
      return ExitCodes.FAILED;
    }
    context.stats().modelWritten = out;
    int[] shape = model.outputShape();
    context
        .out()
        .println(
            JsonLines.line(
                g -> {
                  g.writeStringField("written", out.toString());
                  g.writeStringField("name", model.name());
                  g.writeNumberField("version", model.version());
                  g.writeFieldName("input");
                  int[] input = {
                    model.input().height(), model.input().width(), model.input().channels()
                  };
                  g.writeArray(input, 0, input.length);
                  g.writeFieldName("shape");
                  g.writeArray(shape, 0, shape.length);
                  g.writeStringField("pooling", groups.spec());
                  g.writeNumberField("threshold", model.output().threshold());
                }));
    return ExitCodes.OK;
  }

  /** Reads {@code --groups}; picocli reports its exception as an invalid value for the option. */
  static final class PoolingConverter implements ITypeConverter<Pooling> {
    @Override
    public Pooling convert(String value) {
      return Pooling.parse(value);
    }
  }
}

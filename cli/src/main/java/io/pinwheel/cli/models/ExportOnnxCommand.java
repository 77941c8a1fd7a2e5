package io.pinwheel.cli.models;

import io.pinwheel.cli.support.CliContext;
import io.pinwheel.cli.support.ExitCodes;
import io.pinwheel.cli.support.JsonLines;
import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.InvalidModelException;
import io.pinwheel.extractor.onnx.OnnxExport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pinwheel export-onnx}: an encoder model as an ONNX graph. */
@Command(
    name = "export-onnx",
    mixinStandardHelpOptions = true,
    description = {
      "Writes MODEL.pwe as an ONNX model (IR version 8, operator set 17) that ONNX Runtime,"
          + " Triton or DeepStream can run: input 'frame' [N, C, H, W] float, the frame after"
          + " decoding, resizing and the model's normalization (LCN or standardization, which the"
          + " graph does not do); output 'code' [N, P, H', W'], the dense code pinwheel's encoder"
          + " computes (to 1e-5), and for a model with a linear head 'scores' [N, classes]. The"
          + " output rule (threshold, keep or shrink, top k, min active) is not applied: apply it to"
          + " 'code' as"
          + " docs/encoder-format.md section 5 says. N is free.",
      "Conv and L2-pool stages become Conv, Relu, Mul, a 1x1 Conv summing each pool's members,"
          + " AveragePool, Mul and Sqrt; a recurrent (DrSAE) layer is unrolled into its T steps of"
          + " Gemm and Relu; a linear head is a Gemm.",
      "Prints one JSON line: {\"written\":FILE,\"name\":N,\"version\":V,\"input\":[C,H,W],"
          + "\"code\":[P,H',W'],\"scores\":CLASSES or null,\"bytes\":B}",
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      ExitCodes.OK_HELP,
      "1:OUT could not be written",
      "2:nothing written: MODEL missing or invalid, or OUT exists and --force was not given",
      ExitCodes.INTERNAL_HELP
    })
public final class ExportOnnxCommand implements Callable<Integer> {
  private final CliContext context;

  @Parameters(index = "0", paramLabel = "MODEL.pwe", description = "The encoder model file.")
  Path model;

  @Parameters(index = "1", paramLabel = "OUT.onnx", description = "Where to write the ONNX model.")
  Path out;

  @Option(names = "--force", description = "Replace OUT if it exists.")
  boolean force;

  public ExportOnnxCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    EncoderModel m;
    try {
      m = EncoderFile.read(model);
    } catch (NoSuchFileException e) {
      return usage("no such file: " + model);
    } catch (InvalidModelException e) {
      return usage("cannot export " + e.getMessage());
    } catch (IOException e) {
      return usage("cannot read " + model + ": " + e.getMessage());
    }
    if (Files.exists(out) && !force) {
      return usage(out + " exists; pass --force to replace it");
    }
    byte[] bytes = OnnxExport.toBytes(m);
    try {
      Files.write(out, bytes);
    } catch (IOException e) {
      context.err().println("pinwheel export-onnx: cannot write " + out + ": " + e.getMessage());
      return ExitCodes.FAILED;
    }
    int[] code = m.outputShape();
    context
        .out()
        .println(
            JsonLines.line(
                g -> {
                  g.writeStringField("written", out.toString());
                  g.writeStringField("name", m.name());
                  g.writeNumberField("version", m.version());
                  g.writeFieldName("input");
                  int[] input = {m.input().channels(), m.input().height(), m.input().width()};
                  g.writeArray(input, 0, input.length);
                  g.writeFieldName("code");
                  g.writeArray(code, 0, code.length);
                  if (m.head().isPresent()) {
                    g.writeNumberField("scores", m.head().get().classes());
                  } else {
                    g.writeNullField("scores");
                  }
                  g.writeNumberField("bytes", bytes.length);
                }));
    return ExitCodes.OK;
  }

  private int usage(String message) {
    context.err().println("pinwheel export-onnx: " + message);
    return ExitCodes.USAGE;
  }
}

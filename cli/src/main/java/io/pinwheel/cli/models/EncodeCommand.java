package io.pinwheel.cli.models;

import io.pinwheel.cli.support.CliContext;
import io.pinwheel.cli.support.ExitCodes;
import io.pinwheel.cli.support.ImageFiles;
import io.pinwheel.cli.support.JsonLines;
import io.pinwheel.cli.support.ModelOption;
import io.pinwheel.cli.support.RunStats;
import io.pinwheel.extractor.DecoderOptions;
import io.pinwheel.extractor.Encoder;
import io.pinwheel.extractor.Frame;
import io.pinwheel.extractor.FrameDecodeException;
import io.pinwheel.extractor.FrameDecoder;
import io.pinwheel.extractor.OpenCv;
import io.pinwheel.extractor.SparseCode;
import io.pinwheel.extractor.model.EncoderModel;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pinwheel encode}: images to sparse codes, one JSON line each. */
@Command(
    name = "encode",
    mixinStandardHelpOptions = true,
    description = {
      "Encodes images into sparse codes and prints one JSON line per image on standard output:",
      "  {\"image\":PATH,\"model\":{\"name\":N,\"version\":V},\"shape\":[G,H,W],",
      "   \"nnz\":n,\"indices\":[..],\"values\":[..]}",
      "Indices are flat row-major positions in the code of shape [G,H,W] (the last pooled map,",
      "or [K,1,1] for a recurrent model). When the model ends in a linear classifier head, the",
      "line also holds \"scores\":[..] (raw class scores, in the order of the head's labels) and",
      "\"label\":L (the best class).",
      "An image that cannot be encoded prints",
      "  {\"image\":PATH,\"error\":MESSAGE,\"reason\":TAG}",
      "(TAG: empty, undecodable, too-large, truncated, wrong-shape, unreadable) and the run"
          + " goes on.",
      "A directory stands for all files below it, sorted, skipping hidden names (starting"
          + " with '.'); files named on the command line are always read.",
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      ExitCodes.OK_HELP + " (every image encoded)",
      "1:at least one image failed (see its \"error\" line); the others were encoded",
      "2:nothing encoded: invalid usage, a missing PATH or an unreadable model file",
      ExitCodes.INTERNAL_HELP
    })
public final class EncodeCommand implements Callable<Integer> {
  private final CliContext context;

  @Mixin ModelOption model;

  @Option(
      names = "--dense",
      description = {
        "Also print \"dense\": the whole code, G*H*W values, flat row-major.",
        "Runs the encoder twice per image."
      })
  boolean dense;

  @Parameters(
      arity = "1..*",
      paramLabel = "PATH",
      description = "Image files or directories (searched recursively).")
  List<Path> paths;

  public EncodeCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    EncoderModel encoderModel;
    try {
      encoderModel = model.load().model();
    } catch (ModelOption.UnusableModelException e) {
      context.err().println("pinwheel encode: " + e.getMessage());
      return ExitCodes.USAGE;
    }
    List<Path> files;
    try {
      files = ImageFiles.collect(paths);
    } catch (NoSuchFileException e) {
      context.err().println("pinwheel encode: no such file or directory: " + e.getFile());
      return ExitCodes.USAGE;
    } catch (IOException e) {
      context.err().println("pinwheel encode: cannot list the input paths: " + describe(e));
      return ExitCodes.USAGE;
    }

    OpenCv.load();
    FrameDecoder decoder = new FrameDecoder(encoderModel.input());
    int maxBytes = DecoderOptions.defaults().maxBytes();
    RunStats stats = context.stats();
    try (Encoder encoder = new Encoder(encoderModel)) {
      for (Path file : files) {
        String image = file.toString();
        String line;
        try {
          Frame frame = decoder.decode(read(file, maxBytes));
          SparseCode code = encoder.encode(frame);
          line =
              JsonLines.code(image, encoderModel, code, dense ? encoder.encodeDense(frame) : null);
          stats.imagesEncoded++;
        } catch (FrameDecodeException e) {
          line = JsonLines.error(image, e.getMessage(), e.reason().tag());
          stats.imagesFailed++;
        } catch (IOException e) {
          line = JsonLines.error(image, describe(e), "unreadable");
          stats.imagesFailed++;
        }
        context.out().println(line);
      }
    }
    return stats.imagesFailed == 0 ? ExitCodes.OK : ExitCodes.FAILED;
  }

  /**
   * The file's bytes, refused before reading when larger than the decoder would accept, so one huge
   * file cannot exhaust the heap.
   */
  private static byte[] read(Path file, int maxBytes) throws IOException, FrameDecodeException {
    long size = Files.size(file);
    if (size > maxBytes) {
      throw new FrameDecodeException(
          FrameDecodeException.Reason.TOO_LARGE,
          "file is " + size + " bytes, more than the " + maxBytes + "-byte limit");
    }
    return Files.readAllBytes(file);
  }

  private static String describe(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file: " + e.getMessage();
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied: " + e.getMessage();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}

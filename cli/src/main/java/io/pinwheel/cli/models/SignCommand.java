package io.pinwheel.cli.models;

import io.pinwheel.cli.support.CliContext;
import io.pinwheel.cli.support.ExitCodes;
import io.pinwheel.cli.support.JsonLines;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.InvalidModelException;
import io.pinwheel.extractor.model.ModelSignatures;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pinwheel sign}: signs an encoder file with an Ed25519 key. */
@Command(
    name = "sign",
    mixinStandardHelpOptions = true,
    description = {
      "Signs FILE.pwe in place with KEY (from pinwheel keygen): an Ed25519 signature over its"
          + " manifest, which lists every tensor's SHA-256, kept in the ZIP archive's comment"
          + " (docs/encoder-format.md, section 10). The file is checked to be a valid model first;"
          + " an earlier signature is replaced; readers that do not check signatures read the"
          + " file as before.",
      "serve accepts only signed models from the models topic and directory when"
          + " pinwheel.models.trusted-keys names the public key.",
      "Prints one JSON line: {\"signed\":FILE,\"name\":N,\"version\":V,\"keyId\":HEX}",
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      ExitCodes.OK_HELP,
      "1:the signed file could not be written",
      "2:nothing signed: FILE missing or not a valid model, KEY missing or not an Ed25519 key",
      ExitCodes.INTERNAL_HELP
    })
public final class SignCommand implements Callable<Integer> {
  private final CliContext context;

  @Option(
      names = "--key",
      required = true,
      paramLabel = "KEY",
      description = "The private key file pinwheel keygen wrote (NAME.key).")
  Path key;

  @Parameters(index = "0", paramLabel = "FILE.pwe", description = "The encoder file to sign.")
  Path file;

  public SignCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    PrivateKey privateKey;
    PublicKey publicKey;
    try {
      privateKey = ModelSignatures.readPrivateKey(key);
      publicKey = ModelSignatures.readPublicKeyBeside(key);
    } catch (NoSuchFileException e) {
      return usage("no such key file: " + key);
    } catch (IOException | IllegalArgumentException e) {
      return usage("cannot use key " + key + ": " + e.getMessage());
    }
    EncoderModel model;
    try {
      model = ModelSignatures.signFile(file, privateKey, publicKey);
    } catch (NoSuchFileException e) {
      return usage("no such file: " + file);
    } catch (InvalidModelException e) {
      return usage("refusing to sign " + e.getMessage());
    } catch (IOException e) {
      context.err().println("pinwheel sign: cannot write " + file + ": " + e.getMessage());
      return ExitCodes.FAILED;
    }
    String id = ModelSignatures.keyId(publicKey);
    context
        .out()
        .println(
            JsonLines.line(
                g -> {
                  g.writeStringField("signed", file.toString());
                  g.writeStringField("name", model.name());
                  g.writeNumberField("version", model.version());
                  g.writeStringField("keyId", id);
                }));
    return ExitCodes.OK;
  }

  private int usage(String message) {
    context.err().println("pinwheel sign: " + message);
    return ExitCodes.USAGE;
  }
}

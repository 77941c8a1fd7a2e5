package io.pinwheel.cli.models;

import io.pinwheel.cli.support.CliContext;
import io.pinwheel.cli.support.ExitCodes;
import io.pinwheel.cli.support.JsonLines;
import io.pinwheel.extractor.model.ModelSignatures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pinwheel keygen}: an Ed25519 key pair for signing encoder files. */
@Command(
    name = "keygen",
    mixinStandardHelpOptions = true,
    description = {
      "Makes an Ed25519 key pair for signing encoder files (pinwheel sign) and writes two PEM"
          + " files: NAME.key (the private key, followed by its public key; readable by its owner"
          + " only; keep it secret) and NAME.pub (the public key, for pinwheel.models.trusted-keys"
          + " in serve's configuration and for pwe.py --trusted-key).",
      "Prints one JSON line: {\"privateKey\":F,\"publicKey\":F,\"keyId\":HEX}, keyId being the"
          + " SHA-256 of the public key that signed files name.",
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      ExitCodes.OK_HELP,
      "1:the files could not be written",
      "2:nothing written: a file exists and --force was not given",
      ExitCodes.INTERNAL_HELP
    })
public final class KeygenCommand implements Callable<Integer> {
  private final CliContext context;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "NAME",
      description = "Writes NAME.key and NAME.pub.")
  Path out;

  @Option(names = "--force", description = "Replace existing files.")
  boolean force;

  public KeygenCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    Path key = Path.of(out + ".key");
    Path pub = Path.of(out + ".pub");
    for (Path f : new Path[] {key, pub}) {
      if (Files.exists(f) && !force) {
        context.err().println("pinwheel keygen: " + f + " exists; pass --force to replace it");
        return ExitCodes.USAGE;
      }
    }
    KeyPair pair = ModelSignatures.generateKeyPair();
    try {
      Files.deleteIfExists(key);
      Files.createFile(key);
      if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
      }
      Files.writeString(
          key,
          ModelSignatures.pem(pair.getPrivate()) + ModelSignatures.pem(pair.getPublic()),
          StandardCharsets.US_ASCII);
      Files.writeString(pub, ModelSignatures.pem(pair.getPublic()), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      context.err().println("pinwheel keygen: cannot write " + key + " and " + pub + ": " + e);
      return ExitCodes.FAILED;
    }
    String id = ModelSignatures.keyId(pair.getPublic());
    context
        .out()
        .println(
            JsonLines.line(
                g -> {
                  g.writeStringField("privateKey", key.toString());
                  g.writeStringField("publicKey", pub.toString());
                  g.writeStringField("keyId", id);
                }));
    return ExitCodes.OK;
  }
}

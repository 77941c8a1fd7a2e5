package io.pinwheel.extractor.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way an encoder file can be wrong is refused, with a message naming file and problem. */
class EncoderFileRefusalTest {
  private static final String SRC = "/tmp/x.pwe";

  private final EncoderModel model = TestModels.random(new Random(99));
  private final Archive archive = Archive.of(EncoderFile.toBytes(model));

  private static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(byte[] pwe) {
    return assertThatThrownBy(() -> EncoderFile.read(pwe, SRC))
        .isInstanceOf(InvalidModelException.class)
        .hasMessageStartingWith(SRC + ": ");
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(
      byte[] pwe, EncoderFile.Limits limits) {
    return assertThatThrownBy(() -> EncoderFile.read(pwe, SRC, limits))
        .isInstanceOf(InvalidModelException.class)
        .hasMessageStartingWith(SRC + ": ");
  }

  /** A float32 conv weight tensor with the shape of layers/0/weights.npy and a bad value. */
  private byte[] layer0WeightsWith(float value) {
    float[] w = ((ConvLayer) model.layers().get(0)).weights().toArray();
    w[3] = value;
    return Npy.toBytes(FloatTensor.of(((ConvLayer) model.layers().get(0)).weights().shape(), w));
  }

  // ------------------------------------------------------------ checksums and listing

  @Test
  void shouldRefuseChecksumMismatch() {
    byte[] w = archive.entries.get("layers/0/weights.npy");
    w[w.length - 1] ^= 1;

    assertRefused(archive.toBytes())
        .hasMessageStartingWith(
            SRC + ": layers[0].weights (layers/0/weights.npy): checksum mismatch");
  }

  @Test
  void shouldRefuseListedFileMissingFromTheArchive() {
    archive.entries.remove("layers/0/bias.npy");

    assertRefused(archive.toBytes())
        .hasMessage(
            SRC + ": layers/0/bias.npy: listed in manifest files but missing from the archive");
  }

  @Test
  void shouldRefuseLayerFileNotListedInFiles() {
    archive.entries.remove("layers/2/gain.npy");
    archive.files().remove("layers/2/gain.npy");

    assertRefused(archive.toBytes())
        .hasMessage(SRC + ": layers[2].gain (layers/2/gain.npy): not listed in manifest files");
  }

  @Test
  void shouldRefuseExtraUnlistedEntry() {
    archive.entries.put("notes.txt", "hello".getBytes(StandardCharsets.UTF_8));

    assertRefused(archive.toBytes())
        .hasMessage(SRC + ": notes.txt: in the archive but not listed in manifest files");
  }

  @Test
  void shouldRefuseListedFileThatNothingUses() {
    archive.putListed("extra/x.npy", Npy.toBytes(FloatTensor.filled(new int[] {2}, 1f)));

    assertRefused(archive.toBytes())
        .hasMessageContaining("extra/x.npy: listed in manifest files but used by no layer");
  }

  @Test
  void shouldRefuseChecksumThatIsNotLowercaseHex() {
    String sum = archive.files().get("layers/0/bias.npy").asText();
    archive.files().put("layers/0/bias.npy", sum.toUpperCase(java.util.Locale.ROOT));

    assertRefused(archive.toBytes())
        .hasMessageContaining("must be a SHA-256 as 64 lowercase hex digits");
  }

  @Test
  void shouldRefuseManifestListingItself() {
    archive.files().put("manifest.json", Archive.sha256(new byte[0]));

    assertRefused(archive.toBytes())
        .hasMessageContaining("files must not list manifest.json itself");
  }

  // ------------------------------------------------------------ manifest

  @Test
  void shouldRefuseNewerFormatVersion() {
    archive.manifest.put("formatVersion", 2);

    assertRefused(archive.toBytes())
        .hasMessage(
            SRC + ": formatVersion 2 needs a newer pinwheel (this one reads formatVersion 1)");
  }

  @Test
  void shouldRefuseFormatVersionZero() {
    archive.manifest.put("formatVersion", 0);

    assertRefused(archive.toBytes()).hasMessageContaining("formatVersion must be >= 1");
  }

  @Test
  void shouldRefuseOtherFormat() {
    archive.manifest.put("format", "tensorflow-savedmodel");

    assertRefused(archive.toBytes())
        .hasMessageContaining("not a pinwheel encoder file (manifest format is");
  }

  @Test
  void shouldCheckFormatVersionBeforeAnythingElse() {
    archive.manifest.put("formatVersion", 3);
    archive.manifest.remove("layers");
    archive.manifest.put("someNewThing", true);

    assertRefused(archive.toBytes()).hasMessageContaining("formatVersion 3 needs a newer pinwheel");
  }

  @Test
  void shouldRefuseUnknownLayerType() {
    archive.layer(1).put("type", "maxpool");

    assertRefused(archive.toBytes())
        .hasMessageContaining("layers[1].type \"maxpool\" is not a layer type this pinwheel knows");
  }

  @Test
  void shouldRefuseUnknownKeyInsideALayer() {
    archive.layer(0).put("dilation", 2);

    assertRefused(archive.toBytes())
        .hasMessageContaining("layers[0] has an unknown key \"dilation\"");
  }

  @Test
  void shouldRefuseUnknownKeyInsideOutput() {
    ((ObjectNode) archive.manifest.get("output")).put("mode", "max");

    assertRefused(archive.toBytes()).hasMessageContaining("output has an unknown key \"mode\"");
  }

  @Test
  void shouldRefuseAnUnknownOutputRuleNamingTheFieldAndTheAllowedRules() {
    ((ObjectNode) archive.manifest.get("output")).put("rule", "soft");

    assertRefused(archive.toBytes())
        .hasMessage(SRC + ": output.rule must be one of keep, shrink, got \"soft\"");
  }

  @Test
  void shouldRefuseAnOutputRuleThatIsNotAString() {
    ((ObjectNode) archive.manifest.get("output")).put("rule", 1);

    assertRefused(archive.toBytes()).hasMessageContaining("output.rule must be a string, got 1");
  }

  @Test
  void shouldRefuseConvStrideTwo() {
    archive.layer(2).put("stride", 2);

    assertRefused(archive.toBytes())
        .hasMessage(
            SRC + ": layers[2].stride is 2; formatVersion 1 supports only stride 1 for conv");
  }

  @Test
  void shouldRefuseSamePadding() {
    archive.layer(0).put("padding", "same");

    assertRefused(archive.toBytes())
        .hasMessageContaining(
            "layers[0].padding is \"same\"; formatVersion 1 supports only \"valid\"");
  }

  @Test
  void shouldRefuseUnknownNormalization() {
    ((ObjectNode) archive.manifest.get("input").get("normalize")).put("type", "zca");

    assertRefused(archive.toBytes())
        .hasMessageContaining("input.normalize.type \"zca\" is not one");
  }

  @Test
  void shouldRefuseAMinActiveBelowOneNamingTheKey() {
    ((ObjectNode) archive.manifest.get("output")).put("minActive", 0);

    assertRefused(archive.toBytes()).hasMessage(SRC + ": output.minActive must be >= 1, got 0");
  }

  @Test
  void shouldRefuseAMinActiveAboveTopKNamingBothKeys() {
    ((ObjectNode) archive.manifest.get("output")).put("minActive", 8);

    assertRefused(archive.toBytes())
        .hasMessage(SRC + ": output.minActive must be <= output.topK (7), got 8");
  }

  @Test
  void shouldRefuseAMinActiveThatIsNotAnInteger() {
    ((ObjectNode) archive.manifest.get("output")).put("minActive", 2.5);

    assertRefused(archive.toBytes())
        .hasMessageContaining("output.minActive must be an integer, got 2.5");
  }

  @Test
  void shouldRefuseANullMinActive() {
    ((ObjectNode) archive.manifest.get("output")).putNull("minActive");

    assertRefused(archive.toBytes()).hasMessageContaining("output.minActive must be an integer");
  }

  @Test
  void shouldRefuseMissingTopK() {
    ((ObjectNode) archive.manifest.get("output")).remove("topK");

    assertRefused(archive.toBytes())
        .hasMessageContaining("output.topK is missing (use null for no limit)");
  }

  @Test
  void shouldRefuseNonIntegerVersion() {
    archive.manifest.put("version", 1.5);

    assertRefused(archive.toBytes()).hasMessage(SRC + ": version must be an integer, got 1.5");
  }

  @Test
  void shouldRefuseVersionZero() {
    archive.manifest.put("version", 0);

    assertRefused(archive.toBytes())
        .hasMessageContaining("version must be a positive integer, got 0");
  }

  @Test
  void shouldRefuseInvalidInputChannels() {
    ((ObjectNode) archive.manifest.get("input")).put("channels", 2);

    assertRefused(archive.toBytes()).hasMessageContaining("input.channels must be 1 or 3, got 2");
  }

  @Test
  void shouldRefuseUnparseableCreatedAt() {
    archive.manifest.put("createdAt", "yesterday");

    assertRefused(archive.toBytes()).hasMessageContaining("createdAt must be an ISO-8601 instant");
  }

  @Test
  void shouldRefuseManifestThatIsNotJson() throws Exception {
    byte[] pwe = archive.zip("{\"format\": ".getBytes(StandardCharsets.UTF_8));

    assertRefused(pwe).hasMessageContaining("manifest.json is not valid JSON");
  }

  @Test
  void shouldRefuseDuplicateManifestKeys() throws Exception {
    String text = archive.manifestText();
    String dup = text.replaceFirst("\"version\":", "\"version\":7,\"version\":");

    assertRefused(archive.zip(dup.getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("Duplicate field 'version'");
  }

  @Test
  void shouldRefuseArchiveWithoutManifest() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.putNextEntry(new ZipEntry("readme.txt"));
      zip.write(1);
    }

    assertRefused(out.toByteArray())
        .hasMessage(SRC + ": not a pinwheel encoder file (the ZIP archive has no manifest.json)");
  }

  @Test
  void shouldRefuseLayerTensorUnderTraining() {
    archive.layer(0).put("bias", "training/bias.npy");
    archive.putListed("training/bias.npy", archive.entries.remove("layers/0/bias.npy"));
    archive.files().remove("layers/0/bias.npy");

    assertRefused(archive.toBytes())
        .hasMessageContaining(
            "layers[0].bias (training/bias.npy): layer tensors may not be under training/");
  }

  @Test
  void shouldRefuseBadlyNamedTrainingFile() {
    archive.putListed("training/sub/x.npy", Npy.toBytes(FloatTensor.filled(new int[] {2}, 1f)));

    assertRefused(archive.toBytes()).hasMessageContaining("must be named training/<name>.npy");
  }

  // ------------------------------------------------------------ tensors

  @Test
  void shouldRefuseFloat64Tensor() {
    archive.putListed(
        "layers/0/bias.npy",
        Archive.npy("{'descr': '<f8', 'fortran_order': False, 'shape': (6,), }", 48));

    assertRefused(archive.toBytes())
        .hasMessage(
            SRC
                + ": layers[0].bias (layers/0/bias.npy): dtype '<f8' is not supported here; expected"
                + " '<f4' (float32, little-endian)");
  }

  @Test
  void shouldRefuseBigEndianTensor() {
    archive.putListed(
        "layers/0/bias.npy",
        Archive.npy("{'descr': '>f4', 'fortran_order': False, 'shape': (6,), }", 24));

    assertRefused(archive.toBytes())
        .hasMessageContaining("(layers/0/bias.npy): dtype '>f4' is big-endian");
  }

  @Test
  void shouldRefuseFortranOrderTensor() {
    archive.putListed(
        "layers/0/weights.npy",
        Archive.npy("{'descr': '<f4', 'fortran_order': True, 'shape': (6, 1, 3, 3), }", 216));

    assertRefused(archive.toBytes())
        .hasMessageContaining("(layers/0/weights.npy): fortran_order is True; only C order");
  }

  @Test
  void shouldRefuseFloatGroups() {
    archive.putListed("layers/1/groups.npy", Npy.toBytes(FloatTensor.filled(new int[] {4, 2}, 0f)));

    assertRefused(archive.toBytes())
        .hasMessageContaining(
            "layers[1].groups (layers/1/groups.npy): dtype '<f4' is not supported here; expected '<i4'");
  }

  @Test
  void shouldRefuseShapeThatDoesNotMatchTheData() {
    archive.putListed(
        "layers/0/weights.npy",
        Archive.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (6, 1, 3, 3), }", 200));

    assertRefused(archive.toBytes())
        .hasMessageContaining("shape (6, 1, 3, 3) needs 216 bytes of data but the file has 200");
  }

  @Test
  void shouldRefuseShapeThatDoesNotFitTheLayer() {
    archive.putListed("layers/0/bias.npy", Npy.toBytes(FloatTensor.filled(new int[] {5}, 0f)));

    assertRefused(archive.toBytes())
        .hasMessageContaining("layers[0]: conv.bias must have shape [6]");
  }

  @Test
  void shouldRefuseTensorOverTheLimitWithoutAllocatingIt() {
    archive.putListed(
        "layers/0/weights.npy",
        Archive.npy(
            "{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000, 3, 3), }", 8));
    byte[] pwe = archive.toBytes();

    long before = allocatedBytes();
    assertRefused(pwe)
        .hasMessageContaining("has more than 16777216 elements (the per-tensor limit)");
    assertThat(allocatedBytes() - before).isLessThan(8L << 20);
  }

  @Test
  void shouldRefuseTensorAtTheLimitWhoseDataIsMissingWithoutAllocatingIt() {
    archive.putListed(
        "layers/0/weights.npy",
        Archive.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4096, 4096), }", 8));
    byte[] pwe = archive.toBytes();

    long before = allocatedBytes();
    assertRefused(pwe).hasMessageContaining("needs 67108864 bytes of data but the file has 8");
    assertThat(allocatedBytes() - before).isLessThan(8L << 20);
  }

  private static long allocatedBytes() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getCurrentThreadAllocatedBytes();
  }

  @Test
  void shouldRefuseNanWeight() {
    archive.putListed("layers/0/weights.npy", layer0WeightsWith(Float.NaN));

    assertRefused(archive.toBytes())
        .hasMessage(SRC + ": layers[0]: conv.weights has a non-finite value NaN at flat index 3");
  }

  @Test
  void shouldRefuseInfiniteWeight() {
    archive.putListed("layers/0/weights.npy", layer0WeightsWith(Float.POSITIVE_INFINITY));

    assertRefused(archive.toBytes())
        .hasMessageContaining("conv.weights has a non-finite value Infinity");
  }

  @Test
  void shouldRefuseGroupIndexOutOfRange() {
    int[] groups = ((L2PoolLayer) model.layers().get(1)).groups().toArray();
    groups[5] = 99;
    archive.putListed("layers/1/groups.npy", Npy.toBytes(IntTensor.of(new int[] {4, 2}, groups)));

    assertRefused(archive.toBytes())
        .hasMessageContaining(
            "layers[1]: l2pool.groups index 99 at flat index 5 is not a map in [0, 6)");
  }

  @Test
  void shouldRefuseNegativePoolWeight() {
    float[] w = ((L2PoolLayer) model.layers().get(1)).weights().toArray();
    w[0] = -1f;
    archive.putListed("layers/1/weights.npy", Npy.toBytes(FloatTensor.of(new int[] {4, 2}, w)));

    assertRefused(archive.toBytes()).hasMessageContaining("layers[1]: l2pool.weights must be >= 0");
  }

  // ------------------------------------------------------------ the archive itself

  // ------------------------------------------------------------ recurrent layer and linear head

  private final Archive recurrent =
      Archive.of(EncoderFile.toBytes(TestModels.recurrent(new Random(98), true)));

  @Test
  void shouldRefuseRecurrentTensorOfTheWrongShape() {
    recurrent.putListed(
        "layers/0/lateral.npy", Npy.toBytes(FloatTensor.filled(new int[] {12, 11}, 0f)));

    assertRefused(recurrent.toBytes())
        .hasMessage(
            SRC
                + ": layers[0]: recurrent.lateral must have shape [12, 12], got FloatTensor[12,"
                + " 11]");
  }

  @Test
  void shouldRefuseRecurrentEncoderThatDoesNotReadTheFrame() {
    recurrent.putListed(
        "layers/0/encoder.npy", Npy.toBytes(FloatTensor.filled(new int[] {12, 31}, 0f)));

    assertRefused(recurrent.toBytes())
        .hasMessage(
            SRC
                + ": layers[0]: recurrent.encoder reads D = 31 values but its input [C,H,W] ="
                + " [1, 6, 5] flattens to 30");
  }

  @Test
  void shouldRefuseNanInTheLateralWeights() {
    float[] s = new float[144];
    s[5] = Float.NaN;
    recurrent.putListed("layers/0/lateral.npy", Npy.toBytes(FloatTensor.of(new int[] {12, 12}, s)));

    assertRefused(recurrent.toBytes())
        .hasMessage(
            SRC + ": layers[0]: recurrent.lateral has a non-finite value NaN at flat index 5");
  }

  @Test
  void shouldRefuseZeroSteps() {
    recurrent.layer(0).put("steps", 0);

    assertRefused(recurrent.toBytes())
        .hasMessage(SRC + ": layers[0]: recurrent.steps must be in [1, 1000], got 0");
  }

  @Test
  void shouldRefuseMissingSteps() {
    recurrent.layer(0).remove("steps");

    assertRefused(recurrent.toBytes()).hasMessage(SRC + ": layers[0].steps is missing");
  }

  @Test
  void shouldRefuseUnknownKeyInsideARecurrentLayer() {
    recurrent.layer(0).put("activation", "tanh");

    assertRefused(recurrent.toBytes())
        .hasMessageContaining("layers[0] has an unknown key \"activation\"");
  }

  @Test
  void shouldRefuseLabelsThatAreNotStrings() {
    recurrent.layer(1).putArray("labels").add("a").add(7).add("c");

    assertRefused(recurrent.toBytes())
        .hasMessage(SRC + ": layers[1].labels[1] must be a string, got 7");
  }

  @Test
  void shouldRefuseLabelsThatAreNotAnArray() {
    recurrent.layer(1).put("labels", "T-shirt,trouser,pullover");

    assertRefused(recurrent.toBytes())
        .hasMessageContaining("layers[1].labels must be an array of strings");
  }

  @Test
  void shouldRefuseDuplicateLabels() {
    recurrent.layer(1).putArray("labels").add("a").add("b").add("a");

    assertRefused(recurrent.toBytes())
        .hasMessage(SRC + ": layers[1]: linear.labels[2] \"a\" repeats linear.labels[0]");
  }

  @Test
  void shouldRefuseFewerLabelsThanHeadRows() {
    recurrent.layer(1).putArray("labels").add("a").add("b");

    assertRefused(recurrent.toBytes())
        .hasMessageContaining("layers[1]: linear.labels has 2 labels but linear.weights has N = 3");
  }

  @Test
  void shouldRefuseHeadBiasOfTheWrongShape() {
    recurrent.putListed("layers/1/bias.npy", Npy.toBytes(FloatTensor.filled(new int[] {4}, 0f)));

    assertRefused(recurrent.toBytes())
        .hasMessage(SRC + ": layers[1]: linear.bias must have shape [3], got FloatTensor[4]");
  }

  @Test
  void shouldRefuseHeadThatIsNotTheLastLayer() {
    ArrayNode layers = (ArrayNode) recurrent.manifest.get("layers");
    layers.add(layers.get(1).deepCopy());

    assertRefused(recurrent.toBytes())
        .hasMessage(
            SRC
                + ": layers[1] (linear) must be the last layer, but layers[2] (linear) follows"
                + " it");
  }

  @Test
  void shouldRefuseRecurrentLayerAfterAConvStage() {
    // Replace the second conv/l2pool stage with the recurrent layer, files and all.
    for (String path : List.copyOf(archive.entries.keySet())) {
      if (path.startsWith("layers/2/") || path.startsWith("layers/3/")) {
        archive.entries.remove(path);
        archive.files().remove(path);
      }
    }
    ObjectNode rec = recurrent.layer(0).deepCopy();
    for (String name : List.of("encoder", "lateral", "bias")) {
      rec.put(name, "layers/2/" + name + ".npy");
      archive.putListed(rec.get(name).asText(), recurrent.entries.get("layers/0/" + name + ".npy"));
    }
    ArrayNode layers = (ArrayNode) archive.manifest.get("layers");
    layers.remove(3);
    layers.set(2, rec);

    assertRefused(archive.toBytes())
        .hasMessage(
            SRC
                + ": layers[2] (recurrent) must be the first layer: it reads the frame, not the"
                + " output of layers[1] (l2pool)");
  }

  @Test
  void shouldRefuseFileThatIsNotAZip() {
    assertRefused("hello, world".getBytes(StandardCharsets.UTF_8))
        .hasMessage(SRC + ": not a pinwheel encoder file (not a ZIP archive)");
  }

  @Test
  void shouldRefuseEmptyFile() {
    assertRefused(new byte[0]).hasMessage(SRC + ": empty file, not a pinwheel encoder file");
  }

  @Test
  void shouldRefuseEmptyZipArchive() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new ZipOutputStream(out).close();

    assertRefused(out.toByteArray()).hasMessageContaining("(an empty ZIP archive)");
  }

  @Test
  void shouldRefuseTruncatedZip() {
    byte[] pwe = archive.toBytes();

    assertRefused(Arrays.copyOf(pwe, pwe.length / 2)).hasMessageContaining("corrupt ZIP archive");
  }

  @Test
  void shouldRefuseZipCutJustBeforeItsCentralDirectory() {
    byte[] pwe = archive.toBytes();
    int eocd = lastIndexOf(pwe, new byte[] {'P', 'K', 5, 6});
    int centralDirectoryOffset =
        ByteBuffer.wrap(pwe, eocd + 16, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();

    assertRefused(Arrays.copyOf(pwe, centralDirectoryOffset))
        .hasMessage(
            SRC
                + ": corrupt ZIP archive (no end-of-central-directory record; the file is"
                + " truncated or not a ZIP archive)");
  }

  @Test
  void shouldRefuseTrailingDataAfterTheArchive() {
    byte[] pwe = archive.toBytes();
    byte[] longer = Arrays.copyOf(pwe, pwe.length + 5);

    assertRefused(longer).hasMessageContaining("corrupt ZIP archive (no end-of-central-directory");
  }

  @Test
  void shouldRefuseCentralDirectoryThatNamesOtherEntries() {
    // Python's zipfile reads the central directory, pinwheel the local headers: they must agree.
    byte[] pwe = archive.toBytes();
    int at = lastIndexOf(pwe, "layers/0/bias.npy".getBytes(StandardCharsets.US_ASCII));
    pwe[at + "layers/0/bias.np".length()] = 'X';

    assertRefused(pwe)
        .hasMessage(
            SRC
                + ": corrupt ZIP archive (the central directory lists \"layers/0/bias.npX\" where"
                + " the archive holds \"layers/0/bias.npy\")");
  }

  private static int lastIndexOf(byte[] haystack, byte[] needle) {
    for (int i = haystack.length - needle.length; i >= 0; i--) {
      if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void shouldRefuseEntryWithParentDirectoryPath() {
    archive.putListed("../evil.npy", new byte[] {1});

    assertRefused(archive.toBytes())
        .hasMessageContaining("archive entry \"../evil.npy\" has an unsafe name");
  }

  @Test
  void shouldRefuseEntryWithAbsolutePath() {
    archive.putListed("/etc/evil.npy", new byte[] {1});

    assertRefused(archive.toBytes())
        .hasMessageContaining(
            "archive entry \"/etc/evil.npy\" has an unsafe name: an absolute path");
  }

  @Test
  void shouldRefuseManifestPathWithParentDirectory() {
    archive.layer(0).put("bias", "layers/../../bias.npy");
    archive.files().put("layers/../../bias.npy", archive.files().get("layers/0/bias.npy").asText());

    assertRefused(archive.toBytes())
        .hasMessageContaining("files lists \"layers/../../bias.npy\", a path with");
  }

  @Test
  void shouldRefuseDirectoryEntry() {
    archive.entries.put("layers/", new byte[0]);

    assertRefused(archive.toBytes())
        .hasMessageContaining("layers/: directory entries are not allowed");
  }

  @Test
  void shouldRefuseDuplicateEntryNames() {
    // ZipOutputStream refuses to write duplicates, so write a look-alike name and patch it.
    archive.entries.put("layers/0/bias.npX", archive.entries.get("layers/0/bias.npy"));
    byte[] pwe = archive.toBytes();
    replaceAll(pwe, "layers/0/bias.npX", "layers/0/bias.npy");

    assertRefused(pwe).hasMessage(SRC + ": layers/0/bias.npy: duplicate archive entry");
  }

  private static void replaceAll(byte[] haystack, String from, String to) {
    byte[] f = from.getBytes(StandardCharsets.US_ASCII);
    byte[] t = to.getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i + f.length <= haystack.length; i++) {
      if (Arrays.equals(haystack, i, i + f.length, f, 0, f.length)) {
        System.arraycopy(t, 0, haystack, i, t.length);
      }
    }
  }

  @Test
  void shouldRefuseMoreThan256Entries() {
    for (int i = 0; i < 300; i++) {
      archive.putListed(
          "training/t" + i + ".npy", Npy.toBytes(FloatTensor.filled(new int[] {1}, i)));
    }

    assertRefused(archive.toBytes()).hasMessage(SRC + ": the archive has more than 256 entries");
  }

  @Test
  void shouldRefuseManifestOverOneMegabyte() {
    archive.manifest.putObject("training").put("blob", "x".repeat(1 << 20));

    assertRefused(archive.toBytes())
        .hasMessage(SRC + ": manifest.json: entry is larger than the limit of 1048576 bytes");
  }

  @Test
  void shouldRefuseEntryOverTheLimitCountingBytesAsTheyArrive() {
    // Deflated zeros: tiny in the archive, large once read.
    archive.deflate = true;
    archive.putListed("training/big.npy", Npy.toBytes(FloatTensor.filled(new int[] {5000}, 0f)));
    EncoderFile.Limits small = new EncoderFile.Limits(256, 10_000, 1 << 20, 1 << 30);

    assertRefused(archive.toBytes(), small)
        .hasMessage(SRC + ": training/big.npy: entry is larger than the limit of 10000 bytes");
  }

  @Test
  void shouldRefuseArchiveOverTheTotalLimitCountingUncompressedBytes() {
    archive.deflate = true;
    archive.putListed("training/big.npy", Npy.toBytes(FloatTensor.filled(new int[] {20_000}, 0f)));
    byte[] pwe = archive.toBytes();
    EncoderFile.Limits small = new EncoderFile.Limits(256, 1 << 20, 1 << 20, 50_000);
    assertThat(pwe.length).isLessThan(50_000);

    assertRefused(pwe, small)
        .hasMessage(
            SRC + ": training/big.npy: the archive holds more than the limit of 50000 bytes");
  }

  // ------------------------------------------------------------ files on disk

  @Test
  void shouldReportAMissingFile(@TempDir Path dir) {
    Path missing = dir.resolve("nope.pwe");

    assertThatThrownBy(() -> EncoderFile.read(missing))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessage(missing + ": no such encoder file");
  }

  @Test
  void shouldRefuseADirectory(@TempDir Path dir) {
    assertThatThrownBy(() -> EncoderFile.read(dir))
        .isInstanceOf(InvalidModelException.class)
        .hasMessage(dir + ": is a directory, not an encoder file");
  }

  @Test
  void shouldRefuseANonZipFileOnDisk(@TempDir Path dir) throws Exception {
    Path path = dir.resolve("x.pwe");
    Files.write(path, ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN).putLong(42).array());

    assertThatThrownBy(() -> EncoderFile.read(path))
        .isInstanceOf(InvalidModelException.class)
        .hasMessage(path + ": not a pinwheel encoder file (not a ZIP archive)");
  }
}

package io.pinwheel.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.pinwheel.extractor.model.EncoderFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelVersionsTest {
  @TempDir Path dir;

  @Test
  void shouldStartAtOneWhenThereIsNoFile() {
    assertThat(ModelVersions.next(dir.resolve("m.pwe"), "m", w -> {})).isEqualTo(1);
  }

  @Test
  void shouldFollowTheVersionOfAModelWithTheSameName() throws Exception {
    Path out = dir.resolve("m.pwe");
    EncoderFile.write(InitialModels.gabor(GaborModelOptions.defaults().withVersion(4)), out);
    assertThat(ModelVersions.next(out, InitialModels.DEFAULT_NAME, w -> {})).isEqualTo(5);
  }

  @Test
  void shouldStartAtOneOverAModelWithAnotherName() throws Exception {
    Path out = dir.resolve("m.pwe");
    EncoderFile.write(InitialModels.gabor(GaborModelOptions.defaults().withVersion(4)), out);
    assertThat(ModelVersions.next(out, "other", w -> {})).isEqualTo(1);
  }

  @Test
  void shouldWarnAndStartAtOneOverAFileThatIsNotAModel() throws Exception {
    Path out = dir.resolve("m.pwe");
    Files.writeString(out, "not a model");
    List<String> warnings = new ArrayList<>();
    assertThat(ModelVersions.next(out, "m", warnings::add)).isEqualTo(1);
    assertThat(warnings).singleElement().asString().contains("not a readable model");
  }
}

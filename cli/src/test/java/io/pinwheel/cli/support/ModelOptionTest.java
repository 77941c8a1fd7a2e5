package io.pinwheel.cli.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.trainer.InitialModels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelOptionTest {
  @TempDir Path dir;

  private static ModelOption choosing(String model) {
    ModelOption option = new ModelOption();
    option.model = model;
    return option;
  }

  @Test
  void shouldLoadEveryModelItNames() throws Exception {
    for (String name : ShippedModels.names()) {
      ModelOption.Loaded loaded = choosing(name).load();

      assertThat(loaded.model().name()).as(name).isEqualTo(name);
      assertThat(loaded.origin()).as(name).contains(name);
    }
  }

  @Test
  void shouldDefaultToThe16By16NaturalImageEncoder() throws Exception {
    assertThat(new ModelOption().load().model().name()).isEqualTo("natural-stable");
  }

  @Test
  void shouldLoadAFile() throws Exception {
    Path file = dir.resolve("g.pwe");
    EncoderFile.write(InitialModels.gabor(), file);

    ModelOption.Loaded loaded = choosing(file.toString()).load();

    assertThat(loaded.model().name()).isEqualTo("gabor");
    assertThat(loaded.origin()).isEqualTo(file.toString());
  }

  @Test
  void shouldNameTheFileAndTheModelNamesWhenNeitherIsThere() {
    Path missing = dir.resolve("naturel");

    assertThatThrownBy(() -> choosing(missing.toString()).load())
        .isInstanceOf(ModelOption.UnusableModelException.class)
        .hasMessageContaining("no such model file: " + missing)
        .hasMessageContaining("natural, fashion-mnist, drsae, gabor");
  }

  @Test
  void shouldNameAFileThatIsNoModel() throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.pwe"), "not a model");

    assertThatThrownBy(() -> choosing(bad.toString()).load())
        .isInstanceOf(ModelOption.UnusableModelException.class)
        .hasMessageStartingWith("cannot use model " + bad);
  }
}

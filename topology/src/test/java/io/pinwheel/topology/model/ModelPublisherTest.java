package io.pinwheel.topology.model;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pinwheel.extractor.model.InvalidModelException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelPublisherTest {

  // Nothing listens here: a publisher that connected before verifying would time out instead.
  private static final Map<String, Object> NO_BROKER = Map.of("bootstrap.servers", "127.0.0.1:9");

  @Test
  void shouldRefuseCorruptModelBeforeConnecting() {
    byte[] corrupt = TestModels.corrupt(TestModels.model("alpha", 1));

    assertThatThrownBy(() -> ModelPublisher.publish(NO_BROKER, "models", corrupt, "bad.pwe"))
        .isInstanceOf(InvalidModelException.class)
        .hasMessageStartingWith("bad.pwe");
  }

  @Test
  void shouldRefuseFileThatIsNoModel(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("notes.pwe"), "not a zip");

    assertThatThrownBy(() -> ModelPublisher.publish(NO_BROKER, "models", file))
        .isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("notes.pwe");
  }
}

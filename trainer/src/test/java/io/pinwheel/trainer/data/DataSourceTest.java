package io.pinwheel.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pinwheel.trainer.data.DataSource.FashionMnistSource;
import io.pinwheel.trainer.data.DataSource.FolderSource;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DataSourceTest {

  @Test
  void shouldParseKeywordAsFashionMnistInTheDefaultDir() {
    assertThat(DataSource.parse("fashion-mnist"))
        .isEqualTo(new FashionMnistSource(FashionMnist.DEFAULT_DIR));
  }

  @Test
  void shouldParseKeywordWithPathAsFashionMnistThere() {
    assertThat(DataSource.parse("fashion-mnist:/data/fm"))
        .isEqualTo(new FashionMnistSource(Path.of("/data/fm")));
  }

  @Test
  void shouldParseAnythingElseAsFolder() {
    assertThat(DataSource.parse("data/natural"))
        .isEqualTo(new FolderSource(Path.of("data/natural")));
  }

  @Test
  void shouldRejectKeywordWithEmptyPath() {
    assertThatThrownBy(() -> DataSource.parse("fashion-mnist:"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fashion-mnist:");
  }

  @Test
  void shouldRejectBlankText() {
    assertThatThrownBy(() -> DataSource.parse(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("folder");
  }

  @Test
  void shouldDescribeFashionMnistWithItsDir() {
    assertThat(DataSource.parse("fashion-mnist").describe())
        .isEqualTo("fashion-mnist:/usr/share/datasets/fashion-mnist");
  }

  @Test
  void shouldDescribeInAFormParseReadsBack() {
    for (String text : new String[] {"fashion-mnist:/x/y", "data/natural", "/abs/photos"}) {
      DataSource source = DataSource.parse(text);
      assertThat(DataSource.parse(source.describe())).isEqualTo(source);
    }
  }

  @Test
  void shouldDescribeFolderNamedLikeTheKeywordAsAFolder() {
    DataSource folder = new FolderSource(Path.of("fashion-mnist"));
    assertThat(DataSource.parse(folder.describe())).isInstanceOf(FolderSource.class);
  }
}

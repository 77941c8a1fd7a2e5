package io.pinwheel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.pinwheel.cli.SharedOptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchSharedOptionsTest {

  @Test
  void shouldTakeEverySharedOptionFromItsMixin() {
    assertThat(SharedOptions.declaredOutsideTheirMixin(new CommandLine(new BenchCommand())))
        .isEmpty();
  }
}

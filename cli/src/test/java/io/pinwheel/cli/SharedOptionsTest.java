package io.pinwheel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pinwheel.cli.support.RunStats;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class SharedOptionsTest {

  @Test
  void shouldTakeEverySharedOptionFromItsMixin() {
    StringWriter sink = new StringWriter();
    var root = Main.commandLine(new PrintWriter(sink), new PrintWriter(sink), new RunStats());

    assertThat(SharedOptions.used(root)).containsExactlyInAnyOrderElementsOf(SharedOptions.NAMES);
    assertThat(SharedOptions.declaredOutsideTheirMixin(root)).isEmpty();
  }
}

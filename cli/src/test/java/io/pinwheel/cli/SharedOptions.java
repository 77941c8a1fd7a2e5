package io.pinwheel.cli;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Finds options of a command tree that are declared in a command although a mixin of {@code
 * io.pinwheel.cli.support} provides them: every command must take a shared option from its mixin,
 * with its one name, type, label and default.
 */
public final class SharedOptions {
  /** The options the support package's mixins declare. */
  public static final Set<String> NAMES =
      Set.of(
          "--bootstrap-servers",
          "--client-config",
          "--model",
          "--metrics-host",
          "--metrics-port",
          "--set",
          "--seed",
          "--data",
          "--partitions",
          "--models-topic",
          "--normalize",
          "--fit-on",
          "--score-test");

  private SharedOptions() {}

  /** Each shared option of the tree under {@code root} declared outside the support package. */
  public static List<String> declaredOutsideTheirMixin(CommandLine root) {
    List<String> found = new ArrayList<>();
    walk(root, found);
    return found;
  }

  /** The shared options the tree under {@code root} has, wherever declared. */
  public static Set<String> used(CommandLine root) {
    Set<String> used = new java.util.TreeSet<>();
    collect(root, used);
    return used;
  }

  private static void collect(CommandLine command, Set<String> used) {
    for (OptionSpec option : command.getCommandSpec().options()) {
      if (NAMES.contains(option.longestName())) {
        used.add(option.longestName());
      }
    }
    command.getSubcommands().values().forEach(sub -> collect(sub, used));
  }

  private static void walk(CommandLine command, List<String> found) {
    for (OptionSpec option : command.getCommandSpec().options()) {
      if (NAMES.contains(option.longestName())) {
        Object declared = option.userObject();
        String owner =
            declared instanceof Field f ? f.getDeclaringClass().getPackageName() : "(not a field)";
        if (!owner.equals("io.pinwheel.cli.support")) {
          found.add(command.getCommandSpec().qualifiedName() + " " + option.longestName());
        }
      }
    }
    command.getSubcommands().values().forEach(sub -> walk(sub, found));
  }
}

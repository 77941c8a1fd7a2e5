package io.pinwheel.cli;

import io.pinwheel.cli.support.CliContext;
import io.pinwheel.cli.support.ExitCodes;
import io.pinwheel.cli.support.RunStats;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IFactory;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code pinwheel} program. {@link #run} does all the work and returns instead of exiting, so
 * tests can call it in-process.
 */
public final class Main {
  private Main() {}

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    CliResult result = run(args);
    System.exit(result.exitCode());
  }

  /** Runs the command line against the process's standard output and error. */
  public static CliResult run(String... args) {
    return run(System.out, System.err, args);
  }

  /**
   * Runs the command line, writing JSON lines to {@code out} and messages to {@code err}, both in
   * UTF-8. Neither stream is closed.
   */
  public static CliResult run(PrintStream out, PrintStream err, String... args) {
    // UTF-8 whatever the platform default: the JSON lines are read by other programs.
    PrintWriter o = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
    PrintWriter e = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
    RunStats stats = new RunStats();
    int code;
    try {
      code = commandLine(o, e, stats).execute(args);
    } finally {
      o.flush();
      e.flush();
    }
    return new CliResult(
        code, stats.imagesEncoded, stats.imagesFailed, Optional.ofNullable(stats.modelWritten));
  }

  /** The command tree, its commands writing to {@code out} and {@code err}; tests walk it too. */
  static CommandLine commandLine(PrintWriter out, PrintWriter err, RunStats stats) {
    CliContext context = new CliContext(out, err, stats);
    IFactory defaults = CommandLine.defaultFactory();
    IFactory factory =
        new IFactory() {
          @Override
          public <K> K create(Class<K> cls) throws Exception {
            // Commands that print or record results take the run's context; the rest are
            // created by picocli as usual.
            try {
              java.lang.reflect.Constructor<K> withContext =
                  cls.getDeclaredConstructor(CliContext.class);
              return withContext.newInstance(context);
            } catch (NoSuchMethodException e) {
              // fall through
            }
            return defaults.create(cls);
          }
        };
    CommandLine cl = new CommandLine(new PinwheelCommand(), factory);
    for (AddOnCommand addOn : ServiceLoader.load(AddOnCommand.class)) {
      cl.addSubcommand(addOn);
    }
    cl.addSubcommand(new HelpCommand());
    cl.setOut(out);
    cl.setErr(err);
    cl.setParameterExceptionHandler(usageError());
    cl.setExecutionExceptionHandler(internalError());
    return cl;
  }

  /**
   * The error and a pointer to help, instead of picocli's default full usage text, which buries the
   * one line that says what was wrong.
   */
  private static IParameterExceptionHandler usageError() {
    return (ex, args) -> {
      CommandLine cl = ex.getCommandLine();
      PrintWriter err = cl.getErr();
      String name = cl.getCommandSpec().qualifiedName();
      err.println(name + ": " + ex.getMessage());
      UnmatchedArgumentException.printSuggestions(ex, err);
      err.println("Try '" + name + " --help' for more information.");
      err.flush();
      return ExitCodes.USAGE;
    };
  }

  private static IExecutionExceptionHandler internalError() {
    return (ex, cl, parseResult) -> {
      PrintWriter err = cl.getErr();
      err.println(cl.getCommandSpec().qualifiedName() + ": internal error: " + ex);
      ex.printStackTrace(err);
      err.flush();
      return ExitCodes.INTERNAL;
    };
  }
}

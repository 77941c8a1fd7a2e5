package io.pinwheel.cli.support;

/**
 * The exit statuses of every {@code pinwheel} command, so scripts can tell "some inputs were bad"
 * from "nothing ran" from "pinwheel itself broke".
 */
public final class ExitCodes {
  /** Everything asked for was done. */
  public static final int OK = 0;

  /** The command ran to the end but part of it failed: some images, or writing the result. */
  public static final int FAILED = 1;

  /**
   * Nothing was done: invalid options, a missing input path, an unreadable model, or an output that
   * already exists. picocli uses the same value for its own usage errors.
   */
  public static final int USAGE = 2;

  /** A bug or an unexpected environment failure; a stack trace follows on standard error. */
  public static final int INTERNAL = 3;

  /** The "Exit status" lines of {@code --help}, one per status. */
  public static final String OK_HELP = OK + ":success";

  /** See {@link #OK_HELP}. */
  public static final String FAILED_HELP =
      FAILED + ":partly failed (some images could not be encoded, or the output not written)";

  /** See {@link #OK_HELP}. */
  public static final String USAGE_HELP =
      USAGE
          + ":nothing done: invalid usage, a missing path, an unreadable model, an existing output";

  /** See {@link #OK_HELP}. */
  public static final String INTERNAL_HELP =
      INTERNAL + ":internal error (a stack trace is printed)";

  private ExitCodes() {}
}

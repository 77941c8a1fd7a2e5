package io.pinwheel.cli;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What one {@link Main#run} did, for {@link Main#main} to exit with and for tests to check.
 *
 * @param exitCode the process exit status: 0 success, 1 partly failed, 2 nothing done (usage or
 *     unusable input), 3 internal error
 * @param imagesEncoded images {@code encode} printed a code for
 * @param imagesFailed images {@code encode} printed an error line for
 * @param modelWritten the file {@code init-model} wrote, if any
 */
public record CliResult(
    int exitCode, int imagesEncoded, int imagesFailed, Optional<Path> modelWritten) {}

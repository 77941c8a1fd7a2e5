package io.pinwheel.cli;

/**
 * A top-level command that another module adds to {@code pinwheel} when its jar is on the class
 * path, found with {@link java.util.ServiceLoader}: the implementation is a picocli
 * {@code @Command} class with a public no-argument constructor, listed in {@code
 * META-INF/services/io.pinwheel.cli.AddOnCommand}. This is how {@code pinwheel bench} runs from a
 * checkout while the product jar carries no benchmark code.
 */
public interface AddOnCommand {}

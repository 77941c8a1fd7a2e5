package io.pinwheel.cli;

import picocli.CommandLine.IVersionProvider;

/** {@code pinwheel --version}: the jar's version and the Java running it. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = Main.class.getPackage().getImplementationVersion();
    return new String[] {
      "pinwheel " + (version == null ? "(development build)" : version),
      "Java "
          + System.getProperty("java.version")
          + " ("
          + System.getProperty("java.vendor")
          + "), "
          + System.getProperty("os.name")
          + " "
          + System.getProperty("os.arch")
    };
  }
}

package io.pinwheel.topology.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.pinwheel.topology.config.PinwheelConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

/**
 * The secured compose stack's ACLs ({@code deploy/secured/acls}, which its init job grants with
 * kafka-acls.sh) against {@link PinwheelAcls}, for the stack's own topics and application id
 * ({@code deploy/pinwheel/pinwheel.properties}): PinwheelAcls stays the one source of truth.
 */
class ComposeAclsTest {
  private static final Path ACLS = Path.of("../deploy/secured/acls");
  private static final Path SERVE_CONFIG = Path.of("../deploy/pinwheel/pinwheel.properties");

  @Test
  void shouldGrantEachComposeUserExactlyWhatPinwheelAclsGivesItsRole() throws IOException {
    PinwheelConfig config = stackConfig();
    Map<String, List<AclBinding>> expected = new TreeMap<>();
    expected.put("pinwheel-serve", PinwheelAcls.serve("User:pinwheel-serve", config));
    expected.put(
        "pinwheel-produce", PinwheelAcls.produce("User:pinwheel-produce", config.framesTopic()));
    List<AclBinding> consume = new ArrayList<>();
    consume.addAll(
        PinwheelAcls.consume(
            "User:pinwheel-consume", config.featuresTopic(), PinwheelAcls.CONSUME_GROUP_PREFIX));
    consume.addAll(
        PinwheelAcls.consume(
            "User:pinwheel-consume",
            config.featuresTopic(),
            PinwheelAcls.PYTHON_READER_GROUP_PREFIX));
    expected.put("pinwheel-consume", consume);
    expected.put(
        "pinwheel-publish-model",
        PinwheelAcls.publishModel("User:pinwheel-publish-model", config.modelsTopic()));

    Map<String, Set<AclBinding>> granted = new TreeMap<>();
    for (AclBinding b : composeAcls()) {
      granted
          .computeIfAbsent(b.entry().principal().substring("User:".length()), u -> new HashSet<>())
          .add(b);
    }

    Map<String, Set<AclBinding>> want = new TreeMap<>();
    expected.forEach((user, acls) -> want.put(user, Set.copyOf(acls)));
    assertThat(granted).isEqualTo(want);
  }

  @Test
  void shouldListEachComposeAclOnce() throws IOException {
    List<AclBinding> acls = composeAcls();
    assertThat(acls).doesNotHaveDuplicates();
  }

  /**
   * The lines of deploy/secured/acls as bindings, read as the init job's kafka-acls.sh reads them.
   */
  private static List<AclBinding> composeAcls() throws IOException {
    List<AclBinding> out = new ArrayList<>();
    int n = 0;
    for (String line : Files.readAllLines(ACLS)) {
      n++;
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      String[] f = l.split("\\s+");
      assertThat(f).as("%s:%d: USER TYPE NAME PATTERN OPERATION", ACLS, n).hasSize(5);
      ResourceType type =
          switch (f[1]) {
            case "topic" -> ResourceType.TOPIC;
            case "group" -> ResourceType.GROUP;
            case "transactional-id" -> ResourceType.TRANSACTIONAL_ID;
            default -> throw new AssertionError(ACLS + ":" + n + ": no kafka-acls.sh --" + f[1]);
          };
      PatternType pattern = PatternType.fromString(f[3].toUpperCase(Locale.ROOT));
      AclOperation operation = AclOperation.fromString(f[4]);
      assertThat(pattern)
          .as("%s:%d: pattern", ACLS, n)
          .isIn(PatternType.LITERAL, PatternType.PREFIXED);
      assertThat(operation).as("%s:%d: operation", ACLS, n).isNotEqualTo(AclOperation.UNKNOWN);
      out.add(
          new AclBinding(
              new ResourcePattern(type, f[2], pattern),
              new AccessControlEntry("User:" + f[0], "*", operation, AclPermissionType.ALLOW)));
    }
    return out;
  }

  private static PinwheelConfig stackConfig() throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(SERVE_CONFIG)) {
      p.load(r);
    }
    Map<String, String> m = new LinkedHashMap<>();
    p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
    return PinwheelConfig.fromProperties(m);
  }
}

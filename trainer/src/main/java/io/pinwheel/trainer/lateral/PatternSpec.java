package io.pinwheel.trainer.lateral;

import java.util.Locale;
import java.util.Optional;

/**
 * The {@code --pattern} of a lateral-inhibition run: which units may inhibit which. It fixes the
 * number of units K and builds the {@link InhibitionPattern}.
 */
public sealed interface PatternSpec {

  /**
   * Parses {@code free} or {@code tree:DEPTHxBRANCH}.
   *
   * @param text the option text
   * @param units the {@code --units} value, or null when not given; required for {@code free}, and
   *     for a tree it must equal the tree's node count when given
   * @return the pattern
   * @throws IllegalArgumentException naming what is wrong and what is expected
   */
  static PatternSpec parse(String text, Integer units) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("pattern must be free or tree:DEPTHxBRANCH, got nothing");
    }
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("free")) {
      if (units == null) {
        throw new IllegalArgumentException("pattern free needs --units K, the number of units");
      }
      return new Free(units);
    }
    if (t.startsWith("tree:")) {
      String[] parts = t.substring("tree:".length()).split("x", -1);
      int depth;
      int branching;
      try {
        if (parts.length != 2) {
          throw new NumberFormatException();
        }
        depth = Integer.parseInt(parts[0]);
        branching = Integer.parseInt(parts[1]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "pattern tree must be tree:DEPTHxBRANCH with two integers, e.g. tree:3x4, got " + text,
            e);
      }
      Tree tree = new Tree(depth, branching);
      if (units != null && units != tree.units()) {
        throw new IllegalArgumentException(
            "units "
                + units
                + " does not match pattern "
                + tree.spec()
                + ", which has "
                + tree.units()
                + " nodes (leave --units out for a tree)");
      }
      return tree;
    }
    throw new IllegalArgumentException("pattern must be free or tree:DEPTHxBRANCH, got " + text);
  }

  /** The number of units K. */
  int units();

  /** The inhibition pattern over the K units. */
  InhibitionPattern pattern();

  /** For a tree, parent[i] of every unit (−1 for the root); empty for the free pattern. */
  Optional<int[]> parents();

  /** The option text that parses back to this pattern. */
  String spec();

  /**
   * Every unit may inhibit every other.
   *
   * @param units the number of units K, 1..4096
   */
  record Free(int units) implements PatternSpec {
    /** Checks the unit count. */
    public Free {
      if (units < 1 || units > 4096) {
        throw new IllegalArgumentException("units must be 1..4096, got " + units);
      }
    }

    @Override
    public InhibitionPattern pattern() {
      return InhibitionPattern.free(units);
    }

    @Override
    public Optional<int[]> parents() {
      return Optional.empty();
    }

    @Override
    public String spec() {
      return "free";
    }
  }

  /**
   * A complete tree, units numbered breadth first ({@link InhibitionPattern#completeTree}); a unit
   * inhibits every unit but its ancestors and descendants.
   *
   * @param depth the levels, counting the root, 1..12
   * @param branching the children of every inner node, 1..64
   */
  record Tree(int depth, int branching) implements PatternSpec {
    /** Checks both fields and that the tree has at most 4096 nodes. */
    public Tree {
      if (depth < 1 || depth > 12) {
        throw new IllegalArgumentException("tree depth must be 1..12, got " + depth);
      }
      if (branching < 1 || branching > 64) {
        throw new IllegalArgumentException("tree branching must be 1..64, got " + branching);
      }
      // completeTree refuses trees of more than 4096 nodes, naming both numbers.
      InhibitionPattern.completeTree(branching, depth);
    }

    @Override
    public int units() {
      return InhibitionPattern.completeTree(branching, depth).length;
    }

    @Override
    public InhibitionPattern pattern() {
      return InhibitionPattern.tree(InhibitionPattern.completeTree(branching, depth));
    }

    @Override
    public Optional<int[]> parents() {
      return Optional.of(InhibitionPattern.completeTree(branching, depth));
    }

    @Override
    public String spec() {
      return "tree:" + depth + "x" + branching;
    }
  }
}

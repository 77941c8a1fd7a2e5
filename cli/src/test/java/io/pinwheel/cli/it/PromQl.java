package io.pinwheel.cli.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits a PromQL condition into the operands of its top-level comparisons ({@code == != > < >=
 * <=}) and set operators ({@code and or unless}), leaving out number literals: {@code sum(x) > 10
 * and deriv(y[5m]) > 0} gives {@code sum(x)} and {@code deriv(y[5m])}. Operators inside
 * parentheses, brackets, braces or strings are not split on.
 */
final class PromQl {
  private PromQl() {}

  static List<String> operands(String expression) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    int start = 0;
    String e = expression;
    for (int i = 0; i < e.length(); i++) {
      char c = e.charAt(i);
      if (c == '"' || c == '\'') {
        i = e.indexOf(c, i + 1);
        while (i > 0 && e.charAt(i - 1) == '\\') {
          i = e.indexOf(c, i + 1);
        }
        if (i < 0) {
          throw new IllegalArgumentException("unterminated string in " + expression);
        }
      } else if (c == '(' || c == '[' || c == '{') {
        depth++;
      } else if (c == ')' || c == ']' || c == '}') {
        depth--;
      } else if (depth == 0) {
        int length = operatorLength(e, i);
        if (length > 0) {
          add(out, e.substring(start, i));
          start = i + length;
          i = start - 1;
        }
      }
    }
    add(out, e.substring(start));
    return out;
  }

  /** The length of the operator at {@code i}, or 0. */
  private static int operatorLength(String e, int i) {
    for (String op : List.of("==", "!=", ">=", "<=")) {
      if (e.startsWith(op, i)) {
        return 2;
      }
    }
    char c = e.charAt(i);
    if (c == '>' || c == '<') {
      return 1;
    }
    for (String word : List.of("and", "or", "unless")) {
      if (e.startsWith(word, i)
          && (i == 0 || !Character.isLetterOrDigit(e.charAt(i - 1)) && e.charAt(i - 1) != '_')
          && (i + word.length() == e.length()
              || Character.isWhitespace(e.charAt(i + word.length())))) {
        return word.length();
      }
    }
    return 0;
  }

  private static void add(List<String> out, String operand) {
    String o = operand.strip();
    if (o.toLowerCase(Locale.ROOT).startsWith("bool ")) {
      o = o.substring(5).strip();
    }
    if (!o.isEmpty() && !o.matches("[-+]?[0-9.]+(e[-+]?[0-9]+)?")) {
      out.add(o);
    }
  }
}

package io.pinwheel.topology.model;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** The latest {@link ReloadEvent}s of a registry, oldest first, at most a fixed number. */
final class ReloadLog {
  private final int capacity;
  private final Deque<ReloadEvent> events = new ArrayDeque<>();

  ReloadLog(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
    }
    this.capacity = capacity;
  }

  synchronized void add(ReloadEvent event) {
    if (events.size() == capacity) {
      events.removeFirst();
    }
    events.addLast(event);
  }

  synchronized List<ReloadEvent> events() {
    return List.copyOf(events);
  }
}

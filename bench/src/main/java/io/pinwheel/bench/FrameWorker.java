package io.pinwheel.bench;

import io.pinwheel.extractor.Frame;

/** One benchmarked way of turning frames into the last pooled map; one instance per thread. */
interface FrameWorker extends AutoCloseable {
  /** Pools every frame of {@code batch}, writing frame i's map at {@code i * mapSize} of out. */
  void run(Frame[] batch, float[] out) throws Exception;

  @Override
  void close();
}

package io.pinwheel.bench;

import io.pinwheel.extractor.model.EncoderModel;
import java.util.List;

/**
 * What every run of one pipeline bench shares: the cluster, the model the service serves, the JPEG
 * frames sent to it, its stream threads and the partitions of each run's topics.
 */
record PipelineSetup(
    BenchCluster cluster, EncoderModel model, List<byte[]> jpegs, int threads, int partitions) {

  /**
   * Runs {@code body} as application {@code app} with this setup's threads, on fresh topics of its
   * partitions ({@link BenchCluster#onFreshTopics}).
   */
  <T> T onFreshTopics(String app, boolean exactlyOnce, BenchCluster.OnTopics<T> body)
      throws Exception {
    return cluster.onFreshTopics(app, threads, partitions, exactlyOnce, body);
  }
}

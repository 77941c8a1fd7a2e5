package io.pinwheel.bench;

import io.pinwheel.extractor.model.EncoderModel;
import java.util.List;

/**
 * What every run of one pipeline bench shares: the cluster, the model the service serves, the JPEG
 * frames sent to it, its stream threads and the partitions of each run's topics.
 */
record PipelineSetup(
    BenchCluster cluster, EncoderModel model, List<byte[]> jpegs, int threads, int partitions) {}

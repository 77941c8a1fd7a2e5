package io.pinwheel.topology.reencode;

import java.util.List;

/**
 * What a re-encoding run did.
 *
 * @param targetTopic the per-version features topic written
 * @param jobId its transactional id and consumer group, under which the next run resumes
 * @param resumed whether it continued from offsets a previous run committed
 * @param complete whether every partition reached its end offset (false: stopped early; the next
 *     run resumes)
 * @param partitions the offsets read in each partition
 * @param progress the final counts
 */
public record ReencodeResult(
    String targetTopic,
    String jobId,
    boolean resumed,
    boolean complete,
    List<Range> partitions,
    ReencodeProgress progress) {

  /** Copies the list. */
  public ReencodeResult {
    partitions = List.copyOf(partitions);
  }

  /**
   * One partition's share.
   *
   * @param partition the partition
   * @param from the first offset this run read
   * @param to the end offset, taken when the run started: the first offset not read
   * @param reached where the run's last committed transaction left it
   */
  public record Range(int partition, long from, long to, long reached) {}
}

/**
 * {@code pinwheel bench}: the encoder's speed against the alternatives a user could pick (ND4J's
 * conv2d op, OpenCV filter2D, ONNX Runtime) next to this machine's SGEMM peak and the GEMM at the
 * encoder's shape; camera frames (JPEG bytes to codes, and what reduced decoding does to the
 * codes); a soak run that shows native memory stays flat; and the service through a broker. Figures
 * go in BENCHMARKS.md with the command that produced them. Every {@code --json} object has
 * camelCase keys.
 *
 * <p>Each bench is a command (options, the table) and a class that measures: {@code bench encoder}
 * ({@link io.pinwheel.bench.BenchCommand}) runs {@link io.pinwheel.bench.EncoderBench} on the
 * {@link io.pinwheel.bench.ReferenceWorkload} with {@link io.pinwheel.bench.Workers}, {@link
 * io.pinwheel.bench.SgemmPeak} and {@link io.pinwheel.bench.FullPath}; {@code bench decode} runs
 * {@link io.pinwheel.bench.DecodeBench}; {@code bench soak} {@link io.pinwheel.bench.SoakBench};
 * {@code bench pipeline} {@link io.pinwheel.bench.PipelineBench}, which orders {@link
 * io.pinwheel.bench.ThroughputRun}s and {@link io.pinwheel.bench.LatencyRun}s of the service
 * started through {@code PinwheelService} as {@code serve} starts it ({@link
 * io.pinwheel.bench.BenchService}) on a {@link io.pinwheel.bench.BenchCluster}, with {@link
 * io.pinwheel.bench.CpuMonitor} watching the JIT and the other processes. {@link
 * io.pinwheel.bench.Measure} times every multi-threaded rate; the frames come from {@link
 * io.pinwheel.bench.FrameWorkload}, {@link io.pinwheel.bench.CameraFrames} and {@link
 * io.pinwheel.bench.SyntheticJpegs}.
 */
package io.pinwheel.bench;

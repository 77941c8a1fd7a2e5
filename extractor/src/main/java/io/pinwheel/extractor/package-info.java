/**
 * The extractor: image bytes to sparse feature codes, for programs that embed it (the stream
 * topology, the command line, batch jobs).
 *
 * <p>Three steps:
 *
 * <ol>
 *   <li><b>Decode.</b> {@link io.pinwheel.extractor.FrameDecoder} turns image bytes (JPEG, PNG,
 *       BMP, TIFF, WebP, PNM, ...) into a {@link io.pinwheel.extractor.Frame}: decoded by OpenCV,
 *       resized to the model's {@link io.pinwheel.extractor.model.InputSpec}, scaled to [0, 1],
 *       planar [C, H, W], normalized ({@link io.pinwheel.extractor.Normalizer}), within the limits
 *       of {@link io.pinwheel.extractor.DecoderOptions} (sizes judged from the header by {@link
 *       io.pinwheel.extractor.ImageHeaders} before any pixel is decoded). Bad bytes become a {@link
 *       io.pinwheel.extractor.FrameDecodeException} with a fixed {@link
 *       io.pinwheel.extractor.FrameDecodeException.Reason}, never another exception.
 *   <li><b>Encode.</b> {@link io.pinwheel.extractor.Encoder} runs the model's layers over the
 *       frame: convolution, ReLU and gain with L2 pooling (as oneDNN primitives, {@code
 *       ConvStages}), or a recurrent layer (as ND4J matrix products, {@code RecurrentStage}), and
 *       an optional linear classifier head.
 *   <li><b>Sparse code.</b> The encoder keeps the responses of the last pooled map (or recurrent
 *       layer) that pass the model's output rule as a {@link io.pinwheel.extractor.SparseCode},
 *       with the head's scores and label when the model has one.
 * </ol>
 *
 * <p>A model can also be written as an ONNX graph that computes the same dense code ({@link
 * io.pinwheel.extractor.onnx.OnnxExport}), to run where ONNX runs.
 *
 * <p>Thread safety: {@link io.pinwheel.extractor.FrameDecoder} is stateless and thread-safe, so one
 * instance can serve every thread; {@link io.pinwheel.extractor.Frame} and {@link
 * io.pinwheel.extractor.SparseCode} are immutable. {@link io.pinwheel.extractor.Encoder} is not
 * thread-safe (it owns native buffers and oneDNN primitives): create one per thread and close it
 * when the thread is done. OpenCV's native library is loaded once, by {@link
 * io.pinwheel.extractor.OpenCv#load()}, which every class that calls OpenCV calls first; {@link
 * io.pinwheel.extractor.NativeRuntime} starts ND4J and decides who owns the CPU threads. {@link
 * io.pinwheel.extractor.model} holds the model types and the {@code .pwe} file format.
 */
package io.pinwheel.extractor;

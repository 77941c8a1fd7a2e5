/**
 * Encoder models as ONNX graphs: {@link io.pinwheel.extractor.onnx.OnnxExport} writes the ONNX
 * protobuf ({@link io.pinwheel.extractor.onnx.ProtoWriter} is the wire format, {@link
 * io.pinwheel.extractor.onnx.OnnxGraph} the few ONNX messages it needs), so a pinwheel encoder can
 * also run wherever ONNX runs.
 */
package io.pinwheel.extractor.onnx;

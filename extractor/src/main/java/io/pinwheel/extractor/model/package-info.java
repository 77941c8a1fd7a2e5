/**
 * The encoder model: immutable, validated value types for the input specification, layers and
 * output rule, and {@link io.pinwheel.extractor.model.EncoderFile} to read and write the {@code
 * .pwe} file format (docs/encoder-format.md): a ZIP archive whose {@code manifest.json} ({@code
 * Manifest}, with one {@code LayerCodec} per layer type) points to NumPy tensors ({@link
 * io.pinwheel.extractor.model.Npy}).
 */
package io.pinwheel.extractor.model;

/**
 * The encoder model: immutable, validated value types for the input specification, layers and
 * output rule, and {@link io.pinwheel.extractor.model.EncoderFile} to read and write the {@code
 * .pwe} file format (docs/encoder-format.md).
 */
package io.pinwheel.extractor.model;

/**
 * Classes protoc generates from {@code pinwheel/feature_record.proto} (protobuf package {@code
 * pinwheel.v1}) at build time. Most applications should use {@link
 * io.pinwheel.client.FeatureRecordSerde} instead; these are for code that works with the protobuf
 * message directly (descriptors, other protobuf tooling).
 */
package io.pinwheel.client.proto;

/**
 * What applications need to read pinwheel's features topic: the {@link
 * io.pinwheel.client.FeatureRecord} value type and its Kafka {@link
 * io.pinwheel.client.FeatureRecordSerde} (protobuf or JSON, {@link
 * io.pinwheel.client.FeatureRecordFormat}), without the encoder's native dependencies. The schema
 * is described in {@code docs/feature-record.md}; {@link io.pinwheel.client.admin} helps clients
 * that create topics.
 */
package io.pinwheel.client;

/**
 * Helpers for any client of a pinwheel cluster that creates topics: {@link
 * io.pinwheel.client.admin.TopicReadiness} waits until new topics can be written.
 */
package io.pinwheel.client.admin;

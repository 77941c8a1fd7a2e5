/**
 * Commands that run or feed the service: {@code serve}, {@code broker} (the in-process broker on
 * its own), {@code publish-model} (an encoder onto the models topic, for hot reload; rollbacks and
 * pins) and {@code reencode} (the retained frames, encoded again into a per-version features
 * topic).
 */
package io.pinwheel.cli.service;

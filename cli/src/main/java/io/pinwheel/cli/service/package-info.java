/**
 * Commands that run or feed the service: {@code serve}, {@code broker} (the in-process broker on
 * its own) and {@code publish-model} (an encoder onto the models topic, for hot reload).
 */
package io.pinwheel.cli.service;

/**
 * Training and evaluation data: labelled gray image sets such as Fashion-MNIST, folders of images
 * decoded and normalized exactly as the extractor does when serving, and random patch sampling.
 */
package io.pinwheel.trainer.data;

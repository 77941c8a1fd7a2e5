/**
 * The pictures the trainer writes next to a trained encoder: the learned filters laid out on their
 * topographic torus ({@link io.pinwheel.trainer.viz.FilterMosaic}), the map of their preferred
 * orientations with its pinwheels ({@link io.pinwheel.trainer.viz.OrientationMap}) and the loss
 * curves ({@link io.pinwheel.trainer.viz.LossPlot}).
 *
 * <p>Everything is drawn with OpenCV and returned as PNG bytes rather than through {@code
 * java.awt}: headless servers often lack the fonts AWT needs, while OpenCV's Hershey fonts are
 * compiled in.
 */
package io.pinwheel.trainer.viz;

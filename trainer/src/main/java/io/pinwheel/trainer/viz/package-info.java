/**
 * The pictures the trainer writes next to a trained encoder, and the orientation analysis one of
 * them shows: the learned filters laid out on their topographic torus ({@link
 * io.pinwheel.trainer.viz.FilterMosaic}); their preferred orientations, pinwheels and smoothness
 * ({@link io.pinwheel.trainer.viz.OrientationMap}, figures only) and the map's picture ({@link
 * io.pinwheel.trainer.viz.OrientationPicture}); dictionary atoms along a tree ({@link
 * io.pinwheel.trainer.viz.AtomTree}); a lateral-inhibition matrix beside its atoms ({@link
 * io.pinwheel.trainer.viz.InhibitionMatrix}); and the loss curves ({@link
 * io.pinwheel.trainer.viz.LossPlot}).
 *
 * <p>Everything is drawn with OpenCV and returned as PNG bytes rather than through {@code
 * java.awt}: headless servers often lack the fonts AWT needs, while OpenCV's Hershey fonts are
 * compiled in.
 */
package io.pinwheel.trainer.viz;

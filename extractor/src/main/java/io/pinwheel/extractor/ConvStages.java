package io.pinwheel.extractor;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SCRATCHPAD;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;

import io.pinwheel.extractor.model.ConvLayer;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.L2PoolLayer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.bytedeco.dnnl.global.dnnl.scratchpad_mode;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.pooling_forward;
import org.bytedeco.dnnl.post_ops;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.primitive_desc_base;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * A model's conv + L2-pool stages as oneDNN primitives, created once and run frame after frame.
 *
 * <p>Each stage is three primitives:
 *
 * <ol>
 *   <li>a direct convolution with the bias, and ReLU and square fused as post-ops: h² = max(0, z)²,
 *       with the per-map gain folded into the weights and bias as |gain| ({@code |g| max(0, z) =
 *       max(0, |g| z)}; the sign cannot matter, every value is squared);
 *   <li>an average pooling of every map over the pool's windows;
 *   <li>a 1x1 convolution whose weights are the pools' member weights times the window's area, the
 *       group sums, with the square root fused as a post-op.
 * </ol>
 *
 * Window sums and group sums are both linear, so they commute: pooling each map over its windows
 * first leaves the group sums stride² times fewer positions. oneDNN picks the memory layout between
 * primitives (blocked, e.g. nChw8c on AVX2); the last stage's pools are reordered to plain [G, H',
 * W'] for the caller, and a stage whose input layout differs from the previous stage's output gets
 * a reorder in between. Intermediate maps never leave native memory.
 *
 * <p>One owner: every native object (engine, stream, primitives, memory, descriptors) is made in
 * the constructor, recorded, and freed by {@link #close()}. Scratch space is the caller's (oneDNN's
 * user scratchpad mode): one buffer, the largest any primitive asks for, shared by all of them.
 * oneDNN fixes a primitive's thread count when it creates it, from the creating thread's OpenMP
 * count, which {@link NativeRuntime} sets first (one thread by default; ND4J and oneDNN share one
 * OpenMP runtime).
 */
final class ConvStages implements AutoCloseable {
  private final List<Pointer> owned = new ArrayList<>();
  private final stream stream;
  private final primitive[] steps;
  private final IntMemoryMap[] args;
  private final FloatBuffer input;
  private final FloatBuffer output;
  private final int inputSize;
  private final int outputSize;
  private final Set<String> implementations = new LinkedHashSet<>();

  /** The primitives of the model's stages; the model must hold conv/l2pool pairs only. */
  ConvStages(EncoderModel model) {
    NativeRuntime.init();
    // oneDNN plans a primitive's threads when it is created, from this thread's OpenMP count: set
    // it first, or the primitives keep OMP_NUM_THREADS (every core) whatever the thread that runs
    // them asks for.
    NativeRuntime.applyToCurrentThread();
    try {
      engine eng = own(new engine(engine.kind.cpu, 0));
      stream = own(new stream(eng));
      List<primitive_desc_base> descs = new ArrayList<>();
      List<primitive> built = new ArrayList<>();
      List<IntMemoryMap> maps = new ArrayList<>();
      Builder b = new Builder(eng, descs, built, maps);

      List<int[]> shapes = model.layerShapes();
      int[] in = {model.input().channels(), model.input().height(), model.input().width()};
      inputSize = in[0] * in[1] * in[2];
      memory.desc inDesc = own(plain(in));
      memory src = own(new memory(inDesc, eng));
      memory.desc current = inDesc;
      memory currentMem = src;
      int stages = model.codeLayers().size() / 2;
      for (int s = 0; s < stages; s++) {
        ConvLayer conv = (ConvLayer) model.layers().get(2 * s);
        L2PoolLayer pool = (L2PoolLayer) model.layers().get(2 * s + 1);
        int[] convOut = shapes.get(2 * s);
        int[] poolOut = shapes.get(2 * s + 1);
        currentMem = b.stage(conv, pool, current, currentMem, in, convOut, poolOut);
        current = own(currentMem.get_desc());
        in = poolOut;
      }
      int[] last = model.outputShape();
      memory.desc outDesc = own(plain(last));
      memory dst;
      if (current.equals(outDesc)) {
        dst = currentMem;
      } else {
        dst = own(new memory(outDesc, eng));
        b.reorder(currentMem, dst);
      }
      b.scratchpad();
      steps = built.toArray(new primitive[0]);
      args = maps.toArray(new IntMemoryMap[0]);
      for (primitive_desc_base d : descs) {
        implementations.add(d.impl_info_str().getString());
      }
      outputSize = last[0] * last[1] * last[2];
      input = floats(src, inputSize);
      output = floats(dst, outputSize);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Runs the stages on one frame's planes [C, H, W] into {@code dense}, the last pooled map. */
  void run(float[] frame, float[] dense) {
    input.put(0, frame, 0, inputSize);
    for (int i = 0; i < steps.length; i++) {
      steps[i].execute(stream, args[i]);
    }
    output.get(0, dense, 0, outputSize);
  }

  /** oneDNN's names for the implementations it picked (for example "jit:avx2"), in order. */
  Set<String> implementations() {
    return implementations;
  }

  /** Frees every native object, the last made first; closing twice is harmless. */
  @Override
  public void close() {
    for (int i = owned.size() - 1; i >= 0; i--) {
      owned.get(i).close();
    }
    owned.clear();
  }

  private <P extends Pointer> P own(P pointer) {
    owned.add(pointer);
    return pointer;
  }

  private static memory.desc plain(int[] chw) {
    return new memory.desc(
        new long[] {1, chw[0], chw[1], chw[2]}, memory.data_type.f32, memory.format_tag.nchw);
  }

  private static FloatBuffer floats(memory m, int size) {
    return new FloatPointer(m.get_data_handle()).capacity(size).asBuffer();
  }

  /** Makes the primitives and their memory, recording each for {@link #close()}. */
  private final class Builder {
    private final engine eng;
    private final List<primitive_desc_base> descs;
    private final List<primitive> built;
    private final List<IntMemoryMap> maps;

    Builder(
        engine eng,
        List<primitive_desc_base> descs,
        List<primitive> built,
        List<IntMemoryMap> maps) {
      this.eng = eng;
      this.descs = descs;
      this.built = built;
      this.maps = maps;
    }

    /**
     * One stage from {@code src} (layout {@code srcDesc}); returns the memory holding its pooled
     * map, in the layout the group sums chose.
     */
    memory stage(
        ConvLayer conv,
        L2PoolLayer pool,
        memory.desc srcDesc,
        memory src,
        int[] in,
        int[] convOut,
        int[] poolOut) {
      int maps = conv.outputMaps();
      int channels = conv.inputChannels();
      int kh = conv.kernelHeight();
      int kw = conv.kernelWidth();
      int depth = channels * kh * kw;
      float[] weights = conv.weights().toArray();
      float[] bias = conv.bias().toArray();
      for (int k = 0; k < maps; k++) {
        float g = Math.abs(conv.gain().get(k));
        bias[k] *= g;
        for (int i = k * depth; i < (k + 1) * depth; i++) {
          weights[i] *= g;
        }
      }
      long[] one = {1, 1};
      long[] none = {0, 0};
      // The convolution: bias, then ReLU and square as post-ops.
      memory.desc anySrc = own(any(1, channels, in[1], in[2]));
      memory.desc convWeights = own(any(maps, channels, kh, kw));
      memory.desc biasDesc =
          own(new memory.desc(new long[] {maps}, memory.data_type.f32, memory.format_tag.x));
      memory.desc convDst = own(any(1, maps, convOut[1], convOut[2]));
      convolution_forward.desc cd =
          own(
              new convolution_forward.desc(
                  prop_kind.forward_inference,
                  algorithm.convolution_direct,
                  anySrc,
                  convWeights,
                  biasDesc,
                  convDst,
                  one,
                  none,
                  none));
      post_ops reluSquare = own(new post_ops());
      reluSquare.append_eltwise(1f, algorithm.eltwise_relu, 0f, 0f);
      reluSquare.append_eltwise(1f, algorithm.eltwise_square, 0f, 0f);
      convolution_forward.primitive_desc cpd =
          own(new convolution_forward.primitive_desc(cd, attributes(reluSquare), eng));
      memory.desc chosenSrc = own(cpd.src_desc());
      memory convSrc = src;
      if (!chosenSrc.equals(srcDesc)) {
        convSrc = own(new memory(chosenSrc, eng));
        reorder(src, convSrc);
      }
      memory convW = weights(cpd, weights, new long[] {maps, channels, kh, kw});
      memory convB = own(new memory(biasDesc, eng));
      floats(convB, maps).put(0, bias);
      memory squares = own(new memory(own(cpd.dst_desc()), eng));
      add(
          cpd,
          own(new convolution_forward(cpd)),
          map(DNNL_ARG_SRC, convSrc, DNNL_ARG_WEIGHTS, convW, DNNL_ARG_BIAS, convB)
              .put(DNNL_ARG_DST, squares));

      // Every map averaged over each window (the area comes back in the group weights).
      int window = pool.window();
      int stride = pool.stride();
      memory.desc pooledDesc = own(any(1, maps, poolOut[1], poolOut[2]));
      pooling_forward.desc pd =
          own(
              new pooling_forward.desc(
                  prop_kind.forward_inference,
                  algorithm.pooling_avg_exclude_padding,
                  own(squares.get_desc()),
                  pooledDesc,
                  new long[] {stride, stride},
                  new long[] {window, window},
                  none,
                  none));
      pooling_forward.primitive_desc ppd =
          own(new pooling_forward.primitive_desc(pd, attributes(null), eng));
      memory pooledMaps = own(new memory(own(ppd.dst_desc()), eng));
      add(
          ppd,
          own(new pooling_forward(ppd)),
          map(DNNL_ARG_SRC, squares, DNNL_ARG_DST, pooledMaps, 0, null));

      // The group sums as a 1x1 convolution, then the square root.
      int pools = pool.poolCount();
      int m = pool.groupSize();
      int[] groups = pool.groups().toArray();
      float[] memberWeights = pool.weights().toArray();
      float area = (float) window * window;
      float[] groupWeights = new float[pools * maps];
      for (int j = 0; j < pools; j++) {
        for (int q = 0; q < m; q++) {
          groupWeights[j * maps + groups[j * m + q]] += area * memberWeights[j * m + q];
        }
      }
      convolution_forward.desc gd =
          own(
              new convolution_forward.desc(
                  prop_kind.forward_inference,
                  algorithm.convolution_direct,
                  own(pooledMaps.get_desc()),
                  own(any(pools, maps, 1, 1)),
                  own(any(1, pools, poolOut[1], poolOut[2])),
                  one,
                  none,
                  none));
      post_ops sqrt = own(new post_ops());
      sqrt.append_eltwise(1f, algorithm.eltwise_sqrt, 0f, 0f);
      convolution_forward.primitive_desc gpd =
          own(new convolution_forward.primitive_desc(gd, attributes(sqrt), eng));
      memory gW = weights(gpd, groupWeights, new long[] {pools, maps, 1, 1});
      memory pooled = own(new memory(own(gpd.dst_desc()), eng));
      add(
          gpd,
          own(new convolution_forward(gpd)),
          map(DNNL_ARG_SRC, pooledMaps, DNNL_ARG_WEIGHTS, gW, DNNL_ARG_DST, pooled));
      return pooled;
    }

    /** A reorder from {@code from} to {@code to}, run as a step. */
    void reorder(memory from, memory to) {
      reorder.primitive_desc rpd =
          own(new reorder.primitive_desc(from, to, attributes(null), false));
      add(rpd, own(new reorder(rpd)), map(DNNL_ARG_SRC, from, DNNL_ARG_DST, to, 0, null));
    }

    /**
     * One scratch buffer, as large as the largest any step asks for, handed to every step that
     * asks.
     */
    void scratchpad() {
      long size = 0;
      List<memory.desc> wanted = new ArrayList<>();
      for (primitive_desc_base d : descs) {
        memory.desc s = own(d.scratchpad_desc());
        wanted.add(s);
        size = Math.max(size, s.get_size());
      }
      if (size == 0) {
        return;
      }
      memory.desc bytes =
          own(new memory.desc(new long[] {size}, memory.data_type.u8, memory.format_tag.x));
      memory buffer = own(new memory(bytes, eng));
      Pointer handle = buffer.get_data_handle();
      for (int i = 0; i < descs.size(); i++) {
        if (wanted.get(i).get_size() > 0) {
          maps.get(i).put(DNNL_ARG_SCRATCHPAD, own(new memory(wanted.get(i), eng, handle)));
        }
      }
    }

    private void add(primitive_desc_base desc, primitive p, IntMemoryMap args) {
      descs.add(desc);
      built.add(p);
      maps.add(args);
    }

    /** Weights in the layout {@code pd} chose, reordered once from plain [O, I, kh, kw]. */
    private memory weights(convolution_forward.primitive_desc pd, float[] values, long[] dims) {
      memory user =
          own(
              new memory(
                  own(new memory.desc(dims, memory.data_type.f32, memory.format_tag.oihw)), eng));
      floats(user, values.length).put(0, values);
      memory.desc chosen = own(pd.weights_desc());
      memory w = own(new memory(chosen, eng));
      stream s = own(new stream(eng));
      reorder r = own(new reorder(user, w));
      r.execute(s, user, w);
      s._wait();
      return w;
    }

    private primitive_attr attributes(post_ops ops) {
      primitive_attr attr = own(new primitive_attr());
      attr.set_scratchpad_mode(scratchpad_mode.user);
      if (ops != null) {
        attr.set_post_ops(ops);
      }
      return attr;
    }

    private memory.desc any(long a, long b, long c, long d) {
      return new memory.desc(new long[] {a, b, c, d}, memory.data_type.f32, memory.format_tag.any);
    }

    private IntMemoryMap map(int k1, memory v1, int k2, memory v2, int k3, memory v3) {
      IntMemoryMap map = own(new IntMemoryMap());
      map.put(k1, v1).put(k2, v2);
      if (v3 != null) {
        map.put(k3, v3);
      }
      return map;
    }
  }
}

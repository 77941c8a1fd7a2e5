package io.pinwheel.bench;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;

import io.pinwheel.extractor.NativeRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * The reference workload's convolution alone, as the encoder's engine runs it: oneDNN's direct
 * convolution of a 96x96 frame with 64 filters 9x9 and their bias, no ReLU, pooling or copies. Its
 * rate is the practical ceiling of the encoder. Frame, weights and bias hold uniform noise (their
 * values do not matter for speed as long as none is denormal).
 */
final class ConvAlone implements Measure.Work {
  private final List<Pointer> owned = new ArrayList<>();
  private final stream stream;
  private final convolution_forward conv;
  private final IntMemoryMap args;

  ConvAlone() {
    NativeRuntime.init();
    int side = ReferenceWorkload.SIZE;
    int k = ReferenceWorkload.FILTERS;
    int kh = ReferenceWorkload.KERNEL;
    int out = side - kh + 1;
    // oneDNN fixes the primitive's thread count when it creates it, from this thread's count.
    NativeRuntime.applyToCurrentThread(1);
    engine eng = own(new engine(engine.kind.cpu, 0));
    stream = own(new stream(eng));
    long[] none = {0, 0};
    convolution_forward.desc desc =
        own(
            new convolution_forward.desc(
                prop_kind.forward_inference,
                algorithm.convolution_direct,
                own(any(1, 1, side, side)),
                own(any(k, 1, kh, kh)),
                own(new memory.desc(new long[] {k}, memory.data_type.f32, memory.format_tag.x)),
                own(any(1, k, out, out)),
                new long[] {1, 1},
                none,
                none));
    convolution_forward.primitive_desc pd = own(new convolution_forward.primitive_desc(desc, eng));
    conv = own(new convolution_forward(pd));
    args = own(new IntMemoryMap());
    Random rnd = new Random(1);
    args.put(DNNL_ARG_SRC, noise(own(new memory(own(pd.src_desc()), eng)), rnd))
        .put(DNNL_ARG_WEIGHTS, noise(own(new memory(own(pd.weights_desc()), eng)), rnd))
        .put(DNNL_ARG_BIAS, noise(own(new memory(own(pd.bias_desc()), eng)), rnd))
        .put(DNNL_ARG_DST, own(new memory(own(pd.dst_desc()), eng)));
  }

  private memory noise(memory m, Random rnd) {
    long floats = own(m.get_desc()).get_size() / Float.BYTES;
    FloatPointer p = new FloatPointer(m.get_data_handle()).capacity(floats);
    for (long i = 0; i < floats; i++) {
      p.put(i, rnd.nextFloat());
    }
    return m;
  }

  @Override
  public int step() {
    conv.execute(stream, args);
    return 1;
  }

  @Override
  public void close() {
    for (int i = owned.size() - 1; i >= 0; i--) {
      owned.get(i).close();
    }
    owned.clear();
  }

  private <P extends Pointer> P own(P p) {
    owned.add(p);
    return p;
  }

  private static memory.desc any(long a, long b, long c, long d) {
    return new memory.desc(new long[] {a, b, c, d}, memory.data_type.f32, memory.format_tag.any);
  }
}

package io.pinwheel.trainer.sparse;

import io.pinwheel.extractor.model.L2PoolLayer;
import io.pinwheel.oracle.ConvSparseCoder;
import io.pinwheel.trainer.optim.Parameters;
import java.util.Arrays;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Between {@link ConvGradients}' parameters and the SameDiff oracle's variables. */
final class ConvOracle {
  private ConvOracle() {}

  /** The oracle over copies of {@code p}, in the given floating type. */
  static ConvSparseCoder of(
      Parameters p, L2PoolLayer pool, double lambda, double epsilon, DataType type) {
    return new ConvSparseCoder(
        ConvSparseCoder.variableLayout(array(p, ConvGradients.ENCODER, type)),
        array(p, ConvGradients.BIAS, type),
        array(p, ConvGradients.GAIN, type),
        ConvSparseCoder.variableLayout(array(p, ConvGradients.DECODER, type)),
        pool,
        lambda,
        epsilon);
  }

  private static INDArray array(Parameters p, String name, DataType type) {
    long[] shape = Arrays.stream(p.shape(name)).asLongStream().toArray();
    return Nd4j.create(p.get(name), shape, 'c').castTo(type);
  }

  /** The oracle's gradients in {@link ConvGradients}' layout, rounded to float. */
  static Parameters asParameters(Map<String, INDArray> gradients, Parameters like) {
    Parameters out = like.zerosLike();
    for (String name : ConvGradients.PARAMETERS) {
      INDArray g = gradients.get(name);
      if (name.equals(ConvGradients.ENCODER) || name.equals(ConvGradients.DECODER)) {
        g = ConvSparseCoder.filters(g);
      }
      float[] v = g.castTo(DataType.FLOAT).dup('c').data().asFloat();
      System.arraycopy(v, 0, out.get(name), 0, v.length);
    }
    return out;
  }
}

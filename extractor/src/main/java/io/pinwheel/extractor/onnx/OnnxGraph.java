package io.pinwheel.extractor.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * An ONNX graph being built, and its serialization as an ONNX ModelProto.
 *
 * <p>Written from the field numbers of onnx.proto (IR version 8, the default "ai.onnx" operator
 * set): ModelProto {ir_version 1, producer_name 2, producer_version 3, model_version 5, doc_string
 * 6, graph 7, opset_import 8}; OperatorSetIdProto {domain 1, version 2}; GraphProto {node 1, name
 * 2, initializer 5, input 11, output 12}; NodeProto {input 1, output 2, name 3, op_type 4,
 * attribute 5}; AttributeProto {name 1, f 2, i 3, ints 8, type 20 with FLOAT 1, INT 2, INTS 7};
 * TensorProto {dims 1, data_type 2 with FLOAT 1 and INT64 7, name 8, raw_data 9 little-endian};
 * ValueInfoProto {name 1, type 2}; TypeProto {tensor_type 1}; TypeProto.Tensor {elem_type 1, shape
 * 2}; TensorShapeProto {dim 1}; Dimension {dim_value 1, dim_param 2}.
 */
final class OnnxGraph {
  /** IR version 8 (2021): read by every ONNX Runtime since 1.10 and by Triton's ONNX backend. */
  static final long IR_VERSION = 8;

  /** Operator set 17 of the default domain. */
  static final long OPSET = 17;

  private static final int FLOAT = 1;
  private static final int INT64 = 7;
  private static final int ATTR_FLOAT = 1;
  private static final int ATTR_INT = 2;
  private static final int ATTR_INTS = 7;

  private final String name;
  private final List<ProtoWriter> nodes = new ArrayList<>();
  private final List<ProtoWriter> initializers = new ArrayList<>();
  private final List<ProtoWriter> inputs = new ArrayList<>();
  private final List<ProtoWriter> outputs = new ArrayList<>();
  private int nextName;

  OnnxGraph(String name) {
    this.name = name;
  }

  /** A fresh value name with the given prefix. */
  String fresh(String prefix) {
    return prefix + "_" + nextName++;
  }

  /** A graph input of float values; a null entry in {@code dims} is the symbolic batch size N. */
  void input(String valueName, Long... dims) {
    inputs.add(valueInfo(valueName, dims));
  }

  /** A graph output of float values, as {@link #input}. */
  void output(String valueName, Long... dims) {
    outputs.add(valueInfo(valueName, dims));
  }

  /** A float constant; returns its name. */
  String floats(String prefix, long[] dims, float[] values) {
    ByteBuffer raw = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    raw.asFloatBuffer().put(values);
    return constant(prefix, dims, FLOAT, raw.array());
  }

  /** An int64 constant; returns its name. */
  String int64s(String prefix, long[] dims, long[] values) {
    ByteBuffer raw = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    raw.asLongBuffer().put(values);
    return constant(prefix, dims, INT64, raw.array());
  }

  private String constant(String prefix, long[] dims, int type, byte[] raw) {
    String n = fresh(prefix);
    initializers.add(
        new ProtoWriter().repeatedInt64(1, dims).int64(2, type).string(8, n).bytes(9, raw));
    return n;
  }

  /** A node with one output; returns the output's name. */
  String node(String opType, List<String> in, Attribute... attributes) {
    return named(fresh(opType.toLowerCase(java.util.Locale.ROOT)), opType, in, attributes);
  }

  /** A node whose one output is called {@code out}; returns {@code out}. */
  String named(String out, String opType, List<String> in, Attribute... attributes) {
    ProtoWriter node = new ProtoWriter();
    for (String i : in) {
      node.string(1, i);
    }
    node.string(2, out).string(3, out).string(4, opType);
    for (Attribute a : attributes) {
      node.message(5, a.proto());
    }
    nodes.add(node);
    return out;
  }

  /** A node attribute. */
  record Attribute(ProtoWriter proto) {
    static Attribute ints(String name, long... values) {
      return new Attribute(
          new ProtoWriter().string(1, name).repeatedInt64(8, values).int64(20, ATTR_INTS));
    }

    static Attribute integer(String name, long value) {
      return new Attribute(new ProtoWriter().string(1, name).int64(3, value).int64(20, ATTR_INT));
    }

    static Attribute real(String name, float value) {
      return new Attribute(
          new ProtoWriter().string(1, name).float32(2, value).int64(20, ATTR_FLOAT));
    }
  }

  /** The ModelProto holding this graph. */
  byte[] toModel(String producer, String producerVersion, long modelVersion, String doc) {
    ProtoWriter graph = new ProtoWriter();
    for (ProtoWriter n : nodes) {
      graph.message(1, n);
    }
    graph.string(2, name);
    for (ProtoWriter t : initializers) {
      graph.message(5, t);
    }
    for (ProtoWriter i : inputs) {
      graph.message(11, i);
    }
    for (ProtoWriter o : outputs) {
      graph.message(12, o);
    }
    return new ProtoWriter()
        .int64(1, IR_VERSION)
        .string(2, producer)
        .string(3, producerVersion)
        .int64(5, modelVersion)
        .string(6, doc)
        .message(7, graph)
        .message(8, new ProtoWriter().string(1, "").int64(2, OPSET))
        .toByteArray();
  }

  private static ProtoWriter valueInfo(String valueName, Long... dims) {
    ProtoWriter shape = new ProtoWriter();
    for (Long d : dims) {
      shape.message(
          1, d == null ? new ProtoWriter().string(2, "N") : new ProtoWriter().int64(1, d));
    }
    ProtoWriter tensor = new ProtoWriter().int64(1, FLOAT).message(2, shape);
    return new ProtoWriter().string(1, valueName).message(2, new ProtoWriter().message(1, tensor));
  }
}

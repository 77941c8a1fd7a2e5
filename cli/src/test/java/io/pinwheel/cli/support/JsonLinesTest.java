package io.pinwheel.cli.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.pinwheel.extractor.SparseCode;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.trainer.InitialModels;
import org.junit.jupiter.api.Test;

class JsonLinesTest {
  private static final EncoderModel MODEL = InitialModels.gabor();
  private static final SparseCode CODE =
      new SparseCode(new int[] {2, 2, 2}, new int[] {1, 6}, new float[] {0.5f, 7.25f});

  @Test
  void floatsArePrintedAsTheShortestDecimalThatReadsBack() {
    String line =
        JsonLines.line(
            g -> {
              g.writeFieldName("a");
              JsonLines.floats(g, new float[] {0.1f, 1f / 3, 2.5e-8f, 100f});
            });
    assertThat(line).isEqualTo("{\"a\":[0.1,0.33333334,2.5E-8,100.0]}");
  }

  @Test
  void codeLineHoldsImageModelShapeAndTheSparseCode() {
    assertThat(JsonLines.code("a.png", MODEL, CODE, null))
        .isEqualTo(
            "{\"image\":\"a.png\",\"model\":{\"name\":\"gabor\",\"version\":1},"
                + "\"shape\":[2,2,2],\"nnz\":2,\"indices\":[1,6],\"values\":[0.5,7.25]}");
  }

  @Test
  void codeLineEndsWithTheDenseMapWhenGiven() {
    assertThat(JsonLines.code("a.png", MODEL, CODE, CODE.toDense()))
        .endsWith("\"values\":[0.5,7.25],\"dense\":[0.0,0.5,0.0,0.0,0.0,0.0,7.25,0.0]}");
  }

  @Test
  void shouldPrintScoresAndLabelAfterTheValuesWhenTheCodeHasThem() {
    SparseCode scored =
        new SparseCode(
            new int[] {2, 2, 2},
            new int[] {1, 6},
            new float[] {0.5f, 7.25f},
            new float[] {-1.5f, 2f},
            "trouser");
    assertThat(JsonLines.code("a.png", MODEL, scored, null))
        .endsWith("\"values\":[0.5,7.25],\"scores\":[-1.5,2.0],\"label\":\"trouser\"}");
  }

  @Test
  void errorLineHoldsImageMessageAndReason() {
    assertThat(JsonLines.error("dir/\"q\".png", "zero bytes", "empty"))
        .isEqualTo(
            "{\"image\":\"dir/\\\"q\\\".png\",\"error\":\"zero bytes\",\"reason\":\"empty\"}");
  }
}

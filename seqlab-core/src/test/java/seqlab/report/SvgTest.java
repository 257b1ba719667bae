package seqlab.report;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The SVG writers produce well-formed SVG with the parts a reader needs. */
class SvgTest {

    @TempDir
    Path dir;

    static Document parse(String svg) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    static List<String> texts(Document d) {
        NodeList n = d.getElementsByTagName("text");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n.getLength(); i++) {
            out.add(n.item(i).getTextContent());
        }
        return out;
    }

    @Test
    void linePlotHasTitleAxesTicksLegendAndOneLinePerSeries() throws Exception {
        LinePlot p = new LinePlot("Loss <by> step & cell", "step", "loss", false, true)
                .add(new LinePlot.Series("LSTM", new double[] {0, 100, 200, 300}, new double[] {4.2, 2.0, 1.6, 1.5}))
                .add(new LinePlot.Series("RNN", new double[] {0, 100, 200, 300}, new double[] {4.2, 2.4, Double.NaN, 1.7}));
        Document d = parse(p.toSvg());
        assertThat(d.getDocumentElement().getTagName()).isEqualTo("svg");
        List<String> t = texts(d);
        assertThat(t).contains("Loss <by> step & cell", "step", "loss (log scale)", "LSTM", "RNN", "2", "3", "4", "0", "100", "300");
        // RNN's NaN breaks its line: two points joined, then a lone point, which keeps its marker
        assertThat(d.getElementsByTagName("polyline").getLength()).isEqualTo(2);
        assertThat(d.getElementsByTagName("path").getLength()).isEqualTo(4 + 3 + 2);     // points + legend
        p.write(dir.resolve("plot.svg"));
        assertThat(Files.readString(dir.resolve("plot.svg"))).startsWith("<svg").endsWith("</svg>\n");
    }

    @Test
    void coincidingSeriesStayVisibleThroughTheirOwnMarkerShapes() throws Exception {
        double[] x = {20, 40, 60};
        double[] y = {0, 2.08, 2.08};
        LinePlot p = new LinePlot("final loss", "T", "loss", false, false);
        for (String name : List.of("A", "B", "C", "D", "E", "F", "G", "H", "I")) {
            p.add(new LinePlot.Series(name, x, y));
        }
        NodeList marks = parse(p.toSvg()).getElementsByTagName("path");
        assertThat(marks.getLength()).isEqualTo(9 * 4);
        List<String> shapes = new ArrayList<>();                  // each series' marker at (20, 0), relative to its centre
        for (int i = 0; i < marks.getLength(); i++) {
            shapes.add(marks.item(i).getAttributes().getNamedItem("d").getNodeValue());
        }
        List<String> atFirstPoint = new ArrayList<>();
        for (int k = 0; k < 9; k++) {
            atFirstPoint.add(shapes.get(9 + 3 * k));              // after the 9 legend markers, 3 points per series
        }
        assertThat(atFirstPoint.subList(0, 8)).doesNotHaveDuplicates();
        assertThat(atFirstPoint.get(8)).isEqualTo(atFirstPoint.get(0));   // eight shapes, then they repeat (with a new colour)
        assertThat(marks.item(9).getAttributes().getNamedItem("fill").getNodeValue()).isEqualTo("none");
    }

    @Test
    void aSweepOnALogAxisLabelsEveryValueItWasRunAt() throws Exception {
        double[] t = {25, 50, 100, 200, 400};
        LinePlot sweep = new LinePlot("loss by T", "T", "loss", true, true)
                .add(new LinePlot.Series("GRU", t, new double[] {0.003, 0.002, 0.01, 0.14, 0.17}))
                .add(new LinePlot.Series("baseline", t, new double[] {1 / 6.0, 1 / 6.0, 1 / 6.0, 1 / 6.0, 1 / 6.0}));
        assertThat(texts(parse(sweep.toSvg()))).contains("25", "50", "100", "200", "400");
        double[] many = new double[20];
        for (int i = 0; i < many.length; i++) {
            many[i] = 10 + 7 * i;
        }
        List<String> nice = texts(parse(new LinePlot("", "x", "y", true, false).add(new LinePlot.Series("s", many, many)).toSvg()));
        assertThat(nice).contains("100").doesNotContain("17", "24");          // more values than that: the nice ticks
    }

    @Test
    void aLongSeriesHasNoMarkersAndDrawsALonePointAsADot() throws Exception {
        double[] x = new double[100];
        double[] y = new double[100];
        for (int i = 0; i < 100; i++) {
            x[i] = i;
            y[i] = i == 50 || i == 52 ? Double.NaN : 1.0 / (i + 1);
        }
        Document d = parse(new LinePlot("loss", "step", "loss", false, true).add(new LinePlot.Series("curve", x, y)).toSvg());
        assertThat(d.getElementsByTagName("path").getLength()).isZero();
        assertThat(d.getElementsByTagName("polyline").getLength()).isEqualTo(2);
        assertThat(d.getElementsByTagName("circle").getLength()).isEqualTo(1);   // point 51, alone between two gaps
    }

    @Test
    void ticksAreNiceOnLinearAxesAndPowersOfTenOnLogAxes() {
        assertThat(Ticks.of(0, 1, false)).containsExactly(0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0);
        assertThat(Ticks.of(1e-3, 20, true)).containsExactly(1e-3, 1e-2, 1e-1, 1.0, 10.0);
        assertThat(Ticks.of(1.13, 2.7, true)).hasSize(8).allMatch(t -> t > 1.13 && t < 2.7);   // within one decade: linear steps of 0.2
        assertThat(Ticks.of(1e-44, 1e-2, true)).hasSizeLessThanOrEqualTo(8).startsWith(1e-44).contains(1e-14);   // every 6th decade
        assertThat(Ticks.label(0.25)).isEqualTo("0.25");
        assertThat(Ticks.label(200)).isEqualTo("200");
        assertThat(Ticks.label(1e-5)).isEqualTo("1e-05");
    }

    @Test
    void heatMapShowsEveryCellAndBothLabelSets() throws Exception {
        String[] tgt = {"1998", "-", "03", "<eos>"};
        String[] src = {"3rd", "of", "March", "1998"};
        float[] w = new float[16];
        for (int i = 0; i < 4; i++) {
            w[i * 4 + (3 - i)] = 1f;
        }
        Document d = parse(new HeatMap("attention", tgt, src, w).toSvg());
        assertThat(texts(d)).contains("1998", "<eos>", "3rd", "March", "attention");
        assertThat(d.getElementsByTagName("rect").getLength()).isEqualTo(1 + 16 + 10);   // background, cells, colour bar
        assertThat(HeatMap.shade(0)).isEqualTo("#ffffff");
        assertThat(HeatMap.shade(1)).isEqualTo("#08306b");
        assertThatThrownBy(() -> new HeatMap("x", tgt, src, new float[3])).hasMessageContaining("3 values for 4 rows");
    }

    @Test
    void heatMapGrowsToFitALongTitleAndLongLabels() throws Exception {
        String title = "bahdanau attention: " + "Ein Boston Terrier läuft über saftig-grünes Gras vor einem weißen Zaun.".repeat(2);
        String[] tgt = {"a", "very-long-target-label-indeed"};
        String[] src = {"x", "y"};
        Document d = parse(new HeatMap(title, tgt, src, new float[4]).toSvg());
        int width = Integer.parseInt(d.getDocumentElement().getAttribute("width"));
        NodeList rects = d.getElementsByTagName("rect");
        double firstCellX = Double.parseDouble(((org.w3c.dom.Element) rects.item(1)).getAttribute("x"));
        assertThat(width).isGreaterThanOrEqualTo((int) firstCellX + 7 * title.length());          // the title starts above the first cell
        assertThat(firstCellX).isGreaterThanOrEqualTo(7 * tgt[1].length());                 // the row label fits left of the cells
        Document small = parse(new HeatMap("t", new String[] {"a"}, new String[] {"b"}, new float[1]).toSvg());
        assertThat(Integer.parseInt(small.getDocumentElement().getAttribute("width"))).isEqualTo(110 + 26 + 90);   // unchanged for short labels
    }

    @Test
    void aDivergedRunIsMarkedWhereItWentNaNAndARunawayIsCappedAtTheTop() throws Exception {
        double[] x = new double[300];
        double[] clipped = new double[300];
        double[] runaway = new double[300];
        for (int i = 0; i < 300; i++) {
            x[i] = i + 1;
            clipped[i] = 1e7 / Math.pow(i + 1, 2.5) + 2;
            runaway[i] = i < 4 ? Math.pow(10, 7 + 6 * i) : Double.NaN;                // 1e7 … 1e25, then NaN
        }
        LinePlot p = new LinePlot("Training loss", "step", "loss (nats)", false, true)
                .add(new LinePlot.Series("not clipped", x, runaway)).add(new LinePlot.Series("clipped at 1", x, clipped)).limitY(1e7);
        Document d = parse(p.toSvg());
        List<String> t = texts(d);
        assertThat(t).contains("loss (nats, log scale)", "NaN", "▬ at the top: NaN", "▲: above the axis").doesNotContain("loss (nats) (log scale)");
        assertThat(t.stream().filter(s -> s.equals("▲")).count()).isEqualTo(3);           // 1e13, 1e19, 1e25 above the cap of 1e7
        assertThat(t).contains("10⁷", "10⁶", "10¹").noneMatch(s -> s.contains("e+") || s.contains("e-"));
        assertThat(t).doesNotContain("10²⁵");                                               // the axis ends at the cap
        NodeList rects = d.getElementsByTagName("rect");
        assertThat(rects.getLength()).isEqualTo(2);                                         // the background and one NaN band
    }

    @Test
    void theTicksOfAnAxisShareOneForm() {
        assertThat(Ticks.labels(List.of(1.0, 10.0, 100.0, 1e3, 1e4, 1e5))).containsExactly("10⁰", "10¹", "10²", "10³", "10⁴", "10⁵");
        assertThat(Ticks.labels(List.of(1e-4, 2e-4, 5e-4))).containsExactly("10⁻⁴", "2×10⁻⁴", "5×10⁻⁴");
        assertThat(Ticks.labels(List.of(0.5, 1.0, 1.5, 2.0))).containsExactly("0.5", "1", "1.5", "2");
        assertThat(LinePlot.axisTitle("loss (nats)", true)).isEqualTo("loss (nats, log scale)");
        assertThat(LinePlot.axisTitle("gradient norm", true)).isEqualTo("gradient norm (log scale)");
        assertThat(LinePlot.axisTitle("loss (nats)", false)).isEqualTo("loss (nats)");
    }

    /** The LSTM's line hidden under the chance line: the later line is dashed, the covered one says so in the legend. */
    @Test
    void aLineOnTopOfAnotherIsDashedAndACoveredSeriesSaysSo() throws Exception {
        double[] t = {20, 40, 60};
        LinePlot p = new LinePlot("final loss", "T", "loss", false, false)
                .add(new LinePlot.Series("RNN", t, new double[] {0.3, 1.17, 0.56}))
                .add(new LinePlot.Series("LSTM", t, new double[] {2.080, 2.080, 2.080}))
                .add(new LinePlot.Series("GRU", t, new double[] {0.0, 2.080, 2.082}))
                .add(new LinePlot.Series("chance", t, new double[] {Math.log(8), Math.log(8), Math.log(8)}));
        Document d = parse(p.toSvg());
        assertThat(texts(d)).contains("RNN", "LSTM (= chance)", "GRU", "chance");
        NodeList lines = d.getElementsByTagName("polyline");
        List<String> dashes = new ArrayList<>();
        for (int i = 0; i < lines.getLength(); i++) {
            org.w3c.dom.Node a = lines.item(i).getAttributes().getNamedItem("stroke-dasharray");
            dashes.add(a == null ? "solid" : a.getNodeValue());
        }
        assertThat(dashes.get(0)).isEqualTo("solid");                                      // RNN crosses nothing
        assertThat(dashes.get(1)).isEqualTo("solid");                                      // LSTM is first on its segments
        assertThat(dashes.get(2)).isNotEqualTo("solid");                                   // GRU runs on LSTM from 40 to 60
        assertThat(dashes.get(3)).isNotEqualTo("solid").isNotEqualTo(dashes.get(2));       // chance on LSTM everywhere
    }

    @Test
    void anAttentionMapNamesItsAxes() throws Exception {
        Document d = parse(HeatMap.attention("attention", List.of("3", "Mar"), List.of("2021", "<eos>"),
                new float[][] {{0.2f, 0.8f}, {1f, 0f}}).toSvg());
        assertThat(texts(d)).contains("source tokens", "output tokens", "3", "Mar", "2021", "<eos>");
    }
}

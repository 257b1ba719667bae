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
        // RNN's NaN breaks its line: two points joined, then a lone point drawn as a dot
        assertThat(d.getElementsByTagName("polyline").getLength()).isEqualTo(2);
        assertThat(d.getElementsByTagName("circle").getLength()).isEqualTo(1);
        p.write(dir.resolve("plot.svg"));
        assertThat(Files.readString(dir.resolve("plot.svg"))).startsWith("<svg").endsWith("</svg>\n");
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
}

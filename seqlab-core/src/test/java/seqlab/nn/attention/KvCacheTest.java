package seqlab.nn.attention;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import seqlab.tensor.Rng;
import seqlab.tensor.Tensor;

import static org.assertj.core.api.Assertions.assertThat;

/** The cache's rows: beam search's reorder is in place with the same count (no arrays after the first), a new cache otherwise. */
class KvCacheTest {

    /** A cache of n rows holding t positions of random keys and values, width e. */
    static KvCache filled(int n, int t, int capacity, int e, long seed) {
        KvCache c = new KvCache(n, capacity, 64, e);
        Rng rng = new Rng(seed);
        float[] x = new float[n * t * 2 * e];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextFloat();
        }
        c.appendAll(Tensor.of(x, n, t, 2 * e), 0, e);
        return c;
    }

    /** Row r's filled positions of keys (or values) as one array. */
    static float[] row(KvCache c, boolean keys, int r) {
        Tensor k = keys ? c.keys() : c.values();
        int cap = k.dim(1);
        int e = k.dim(2);
        return java.util.Arrays.copyOfRange(k.data(), r * cap * e, r * cap * e + c.length() * e);
    }

    @ParameterizedTest(name = "n={0} t={1} e={2}")
    @CsvSource({"1, 1, 1", "3, 5, 4", "4, 7, 9", "2, 16, 3"})
    void aReorderOfTheSameCountIsInPlaceAndAllocatesOnlyOnce(int n, int t, int e) {
        KvCache c = filled(n, t, 16, e, 3L * n + t);
        float[] first = c.keys().data();
        float[] second = null;
        for (int round = 0; round < 4; round++) {
            float[][] keys = new float[n][];
            float[][] values = new float[n][];
            for (int i = 0; i < n; i++) {
                keys[i] = row(c, true, i);
                values[i] = row(c, false, i);
            }
            int[] picked = new int[n];
            for (int i = 0; i < n; i++) {
                picked[i] = (i + round + 1) % n;
            }
            picked[n - 1] = picked[0];                           // a row repeated, another dropped
            assertThat(c.rows(picked)).isSameAs(c);
            assertThat(c.length()).isEqualTo(t);
            for (int i = 0; i < n; i++) {
                assertThat(row(c, true, i)).as("keys of row %d, round %d", i, round).isEqualTo(keys[picked[i]]);
                assertThat(row(c, false, i)).as("values of row %d, round %d", i, round).isEqualTo(values[picked[i]]);
            }
            // two pairs of arrays alternate: nothing is allocated after the first reorder
            if (round == 0) {
                second = c.keys().data();
                assertThat(second).isNotSameAs(first);
            } else {
                assertThat(c.keys().data()).isSameAs(round % 2 == 1 ? first : second);
            }
        }
    }

    @ParameterizedTest(name = "{0} rows to {1}")
    @CsvSource({"1, 3", "4, 2", "3, 1"})
    void anotherCountMakesANewCacheAndLeavesThisOne(int n, int m) {
        KvCache c = filled(n, 5, 8, 4, n);
        float[][] keys = new float[n][];
        for (int i = 0; i < n; i++) {
            keys[i] = row(c, true, i);
        }
        int[] picked = new int[m];
        for (int i = 0; i < m; i++) {
            picked[i] = (m - 1 - i) % n;
        }
        KvCache r = c.rows(picked);
        assertThat(r).isNotSameAs(c);
        assertThat(r.length()).isEqualTo(5);
        assertThat(r.capacity()).isEqualTo(8);
        for (int i = 0; i < m; i++) {
            assertThat(row(r, true, i)).isEqualTo(keys[picked[i]]);
        }
        for (int i = 0; i < n; i++) {
            assertThat(row(c, true, i)).isEqualTo(keys[i]);
        }
    }

    @ParameterizedTest(name = "n={0}")
    @CsvSource({"2", "3"})
    void aReorderAfterGrowingKeepsEveryPosition(int n) {
        KvCache c = filled(n, 3, 4, 2, 11);
        KvCache same = filled(n, 3, 4, 2, 11);
        int[] swap = new int[n];
        for (int i = 0; i < n; i++) {
            swap[i] = n - 1 - i;
        }
        c.rows(swap);                                            // spare arrays of capacity 4
        c.reserve(8);                                            // grows: the spares are dropped
        same.reserve(8);
        c.rows(swap);                                            // back to the original order
        assertThat(c.capacity()).isEqualTo(8);
        for (int i = 0; i < n; i++) {
            assertThat(row(c, true, i)).isEqualTo(row(same, true, i));
            assertThat(row(c, false, i)).isEqualTo(row(same, false, i));
        }
    }
}

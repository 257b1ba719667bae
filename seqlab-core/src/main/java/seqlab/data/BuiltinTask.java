package seqlab.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import seqlab.tensor.Rng;

/**
 * Generated sequence-to-sequence tasks that need no files:
 * <ul>
 *   <li>{@code dates}: a date written by a person in one of many formats → ISO 8601
 *       ("3rd of March 1998", "03/03/98", "Tue, Mar 3 1998" → "1998-03-03");</li>
 *   <li>{@code copy}, {@code reverse}, {@code sort}: a sequence of 3-12 digits → itself, reversed, sorted;</li>
 *   <li>{@code addition}: "a+b" → the sum, a and b with up to 4 digits.</li>
 * </ul>
 * Sources and targets are space-free strings for the digit tasks (one character = one token)
 * and plain text for dates; the same seed gives the same pairs.
 */
public final class BuiltinTask {

    public static final List<String> NAMES = List.of("dates", "copy", "reverse", "sort", "addition");

    private static final String[] MONTHS = {"January", "February", "March", "April", "May", "June", "July", "August",
            "September", "October", "November", "December"};
    private static final String[] DAYS = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
    private static final int[] MONTH_DAYS = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    private BuiltinTask() {}

    /** {@code count} pairs of the named task. */
    public static List<Pair> generate(String name, int count, long seed) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("unknown built-in task '" + name + "'; expected one of " + NAMES);
        }
        if (count < 0) {
            throw new IllegalArgumentException("pair count must be >= 0, got " + count);
        }
        Rng rng = new Rng(seed);
        List<Pair> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(switch (name) {
                case "dates" -> date(rng);
                case "addition" -> {
                    int a = rng.nextInt(10_000);
                    int b = rng.nextInt(10_000);
                    yield new Pair(a + "+" + b, Integer.toString(a + b));
                }
                default -> digits(name, rng);
            });
        }
        return out;
    }

    private static Pair digits(String task, Rng rng) {
        char[] d = new char[3 + rng.nextInt(10)];
        for (int i = 0; i < d.length; i++) {
            d[i] = (char) ('0' + rng.nextInt(10));
        }
        String src = new String(d);
        String tgt = switch (task) {
            case "copy" -> src;
            case "reverse" -> new StringBuilder(src).reverse().toString();
            default -> {
                char[] s = d.clone();
                Arrays.sort(s);
                yield new String(s);
            }
        };
        return new Pair(src, tgt);
    }

    /** A date from 1950-2049 in one of 12 human formats, and its ISO form. */
    static Pair date(Rng rng) {
        int year = 1950 + rng.nextInt(100);
        int month = 1 + rng.nextInt(12);
        boolean leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        int day = 1 + rng.nextInt(MONTH_DAYS[month - 1] + (month == 2 && leap ? 1 : 0));
        String iso = String.format(Locale.ROOT, "%04d-%02d-%02d", year, month, day);
        String mon = MONTHS[month - 1];
        String weekday = DAYS[java.time.LocalDate.of(year, month, day).getDayOfWeek().getValue() - 1];
        String human = switch (rng.nextInt(12)) {
            case 0 -> day + " " + mon + " " + year;
            case 1 -> mon + " " + day + ", " + year;
            case 2 -> ordinal(day) + " of " + mon + " " + year;
            case 3 -> String.format(Locale.ROOT, "%02d/%02d/%04d", month, day, year);
            case 4 -> String.format(Locale.ROOT, "%02d/%02d/%02d", month, day, year % 100);
            case 5 -> String.format(Locale.ROOT, "%d.%d.%d", day, month, year);
            case 6 -> mon.substring(0, 3) + " " + day + " " + year;
            case 7 -> weekday.substring(0, 3) + ", " + mon.substring(0, 3) + " " + day + " " + year;
            case 8 -> weekday + ", " + ordinal(day) + " " + mon + " " + year;
            case 9 -> (day + " " + mon + " " + year).toLowerCase(Locale.ROOT);
            case 10 -> (mon.substring(0, 3) + " " + day + ", " + year).toUpperCase(Locale.ROOT);
            default -> String.format(Locale.ROOT, "%d %s %02d", day, mon.substring(0, 3).toLowerCase(Locale.ROOT), year % 100);
        };
        return new Pair(human, iso);
    }

    private static String ordinal(int d) {
        String sfx = (d % 100 >= 11 && d % 100 <= 13) ? "th" : switch (d % 10) {
            case 1 -> "st";
            case 2 -> "nd";
            case 3 -> "rd";
            default -> "th";
        };
        return d + sfx;
    }
}

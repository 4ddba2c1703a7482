import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * What a JFR recording of the API server says, in a page: where the CPU samples fall (top frames
 * and threads), what allocates, GC pauses, and compilation. Run with the JDK's source launcher:
 *
 *   java benchmarks/tools/JfrSummary.java recording.jfr [--from SECONDS] [--to SECONDS] [--top N] [--depth N]
 *
 * --from/--to: only events in that window, in seconds since the recording's first event.
 */
public class JfrSummary {

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        double from = 0, to = Double.MAX_VALUE;
        int top = 25, depth = 1;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--from" -> from = Double.parseDouble(args[++i]);
                case "--to" -> to = Double.parseDouble(args[++i]);
                case "--top" -> top = Integer.parseInt(args[++i]);
                case "--depth" -> depth = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        Instant t0 = events.stream().map(RecordedEvent::getStartTime).min(Instant::compareTo).orElseThrow();
        Map<String, Integer> cpuFrames = new HashMap<>();
        Map<String, Integer> cpuThreads = new HashMap<>();
        Map<String, Long> allocByClass = new HashMap<>();
        Map<String, Long> allocBySite = new HashMap<>();
        List<Double> pauses = new ArrayList<>();
        double compileMs = 0;
        int compiles = 0, samples = 0;
        long allocTotal = 0;
        for (RecordedEvent e : events) {
            double t = Duration.between(t0, e.getStartTime()).toNanos() / 1e9;
            if (t < from || t > to) {
                continue;
            }
            switch (e.getEventType().getName()) {
                case "jdk.ExecutionSample" -> {
                    samples++;
                    cpuFrames.merge(frames(e.getStackTrace(), depth), 1, Integer::sum);
                    cpuThreads.merge(threadGroup(e.getThread("sampledThread").getJavaName()), 1, Integer::sum);
                }
                case "jdk.ObjectAllocationSample" -> {
                    long w = e.getLong("weight");
                    allocTotal += w;
                    allocByClass.merge(e.getClass("objectClass").getName(), w, Long::sum);
                    allocBySite.merge(frames(e.getStackTrace(), Math.max(depth, 3)), w, Long::sum);
                }
                case "jdk.GCPhasePause" -> pauses.add(e.getDuration().toNanos() / 1e6);
                case "jdk.Compilation" -> {
                    compiles++;
                    compileMs += e.getDuration().toNanos() / 1e6;
                }
                default -> { }
            }
        }
        System.out.printf("window %.1f-%s s; %d CPU samples%n", from, to == Double.MAX_VALUE ? "end" : to, samples);
        print("CPU samples by thread", cpuThreads, top);
        print("CPU samples by top frame(s)", cpuFrames, top);
        System.out.printf("%nallocation (sampled weight) %.1f MB%n", allocTotal / 1e6);
        print("allocation by class (bytes)", allocByClass, top);
        print("allocation by site (bytes)", allocBySite, top);
        pauses.sort(null);
        if (!pauses.isEmpty()) {
            double sum = pauses.stream().mapToDouble(Double::doubleValue).sum();
            System.out.printf("%nGC pauses: %d, total %.1f ms, median %.2f ms, max %.2f ms%n", pauses.size(), sum,
                    pauses.get(pauses.size() / 2), pauses.get(pauses.size() - 1));
        }
        System.out.printf("JIT compilations: %d, %.0f ms in compiler threads%n", compiles, compileMs);
    }

    private static String threadGroup(String name) {
        return name == null ? "?" : name.replaceAll("\\d+$", "#");
    }

    private static String frames(RecordedStackTrace st, int depth) {
        if (st == null || st.getFrames().isEmpty()) {
            return "?";
        }
        StringBuilder sb = new StringBuilder();
        List<RecordedFrame> fs = st.getFrames();
        for (int i = 0; i < Math.min(depth, fs.size()); i++) {
            RecordedFrame f = fs.get(i);
            if (i > 0) {
                sb.append(" <- ");
            }
            String type = f.getMethod().getType().getName();
            sb.append(type.substring(type.lastIndexOf('.') + 1)).append('.').append(f.getMethod().getName());
        }
        return sb.toString();
    }

    private static <N extends Number> void print(String title, Map<String, N> counts, int top) {
        System.out.printf("%n%s:%n", title);
        double total = counts.values().stream().mapToDouble(Number::doubleValue).sum();
        counts.entrySet().stream()
                .sorted((a, b) -> Double.compare(b.getValue().doubleValue(), a.getValue().doubleValue()))
                .limit(top)
                .forEach(en -> System.out.printf("  %5.1f%%  %s%n", 100 * en.getValue().doubleValue() / total, en.getKey()));
    }
}

package io.waldiez.runner.server.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;

/**
 * A check script run to its end (the compat and contract tests' Python scripts): its output lines,
 * logged as they come, and its closing {@code N passed, N failed} line asserted.
 */
public record ScriptRun(List<String> lines, boolean finished, int exitValue, long seconds) {

    private static final Pattern CLOSING = Pattern.compile("^(\\d+) passed, (\\d+) failed$");

    /** Runs {@code command} in {@code dir}; after {@code timeout} the process tree is killed. */
    public static ScriptRun run(List<String> command, Path dir, Duration timeout, Logger log)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().put("PYTHONUNBUFFERED", "1");
        builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        long started = System.nanoTime();
        Process process = builder.start();
        List<String> lines = new ArrayList<>();
        Thread pump = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                    log.info("{}", line);
                }
            } catch (IOException e) {
                log.warn("reading the script output failed", e);
            }
        }, "script-output");
        pump.setDaemon(true);
        pump.start();
        boolean finished = process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS);
        if (!finished) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        pump.join(5_000);
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        synchronized (lines) {
            return new ScriptRun(List.copyOf(lines), finished, finished ? process.exitValue() : -1, seconds);
        }
    }

    public String tail(int n) {
        return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }

    /** Finished, closing line with no failure and at least {@code minPassed} checks, exit code 0. */
    public void assertPassed(int minPassed) {
        assertThat(finished).as("the script did not finish; last output:\n%s", tail(60)).isTrue();
        String closing = lines.isEmpty() ? "" : lines.get(lines.size() - 1).strip();
        Matcher m = CLOSING.matcher(closing);
        assertThat(m.matches()).as("closing line 'N passed, N failed'; output ends with:\n%s", tail(60)).isTrue();
        List<String> failed = lines.stream().filter(l -> l.startsWith("FAIL ")).toList();
        assertThat(Integer.parseInt(m.group(2))).as("failed checks:\n%s\n\n%s", String.join("\n", failed), tail(60))
                .isZero();
        assertThat(Integer.parseInt(m.group(1))).as("passed checks").isGreaterThanOrEqualTo(minPassed);
        assertThat(exitValue).as("exit code of the script").isZero();
    }
}

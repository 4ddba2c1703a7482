package io.waldiez.runner.server.launch;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runner processes started ahead of their task ({@code waldiez_task_runner --standby}): each has
 * imported waldiez and ag2, which is most of a runner's start, and waits for one task on its stdin.
 * A task takes one ({@link #take}), which starts its replacement at once: the replacement imports at
 * the runs' lower priority while that task runs (about 3 s on 2 cores), rather than only after the
 * run ended. The launcher also calls {@link #refill} when a run ends, which resumes filling after a
 * failed start.
 *
 * <p>A standby lives in its own directories ({@code <tasks>/.standby/<pool>/<uuid>}, with its
 * {@code runner.log}, and {@code <scratch>/.standby/<pool>/<uuid>}, its working directory), which its
 * task keeps; {@link Standby#linkAs} names them after the task. Processes that died while waiting are dropped; if starting
 * one fails, the pool stops filling until the next run ends (tasks then start the ordinary way).
 *
 * <p>Each pool (one per launcher) owns its directory through a lock held for its lifetime, so a
 * second server on the same data directory, or a restart that overlaps the old process, removes
 * only pools whose owner is gone, never the standbys of a live one.
 */
final class StandbyRunners implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StandbyRunners.class);

    /** A started runner waiting for its task, with its task directory and its run (working) directory. */
    record Standby(Process process, Path dir, Path runDir) {

        /**
         * Names the standby's directories after the task ({@code taskDir}, {@code taskRunDir} become
         * links to them). They are not moved: the standby's sandbox may still be mounting them.
         */
        void linkAs(Path taskDir, Path taskRunDir) throws IOException {
            Files.createSymbolicLink(taskDir, dir);
            if (!runDir.startsWith(dir)) { // else it follows the task directory's link
                Files.createSymbolicLink(taskRunDir, runDir);
            }
        }

        /** Sends the task (one JSON object: the runner's options and the task's environment), then end of input. */
        void send(byte[] request) throws IOException {
            try (OutputStream in = process.getOutputStream()) {
                in.write(request);
                in.write('\n');
            }
        }
    }

    private static final String POOLS = ".standby";
    private static final String LOCK = "owner.lock";

    private final int size;
    /** This pool's own directory, {@code <tasks>/.standby/<uuid>}. */
    private final Path parent;
    /** Its standbys' run directories, {@code <scratch>/.standby/<uuid>} (null: inside their task directories). */
    private final Path runParent;
    /** Held while the pool lives: its directory is not a leftover. */
    private final FileChannel ownerLock;
    /** Builds the standby command for a task directory and a run directory; nothing task-specific in it. */
    private final BiFunction<Path, Path, ProcessBuilder> command;
    private final Deque<Standby> ready = new ArrayDeque<>();
    private final ExecutorService starter;
    private int starting;
    private boolean closed;

    StandbyRunners(int size, Path tasksDir, Path scratchRoot, BiFunction<Path, Path, ProcessBuilder> command)
            throws IOException {
        this.size = size;
        Path pools = tasksDir.resolve(POOLS);
        removeAbandonedPools(pools, scratchRoot.resolve(POOLS));
        String pool = UUID.randomUUID().toString();
        this.parent = pools.resolve(pool);
        // Without a scratch directory of their own, run directories live inside the task directories.
        this.runParent = scratchRoot.equals(tasksDir) ? null : scratchRoot.resolve(POOLS).resolve(pool);
        Files.createDirectories(parent);
        this.ownerLock = FileChannel.open(parent.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        if (ownerLock.tryLock() == null) {
            ownerLock.close();
            throw new IOException("cannot lock the new standby pool " + parent);
        }
        this.command = command;
        this.starter = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "task-runner-standby");
            t.setDaemon(true);
            return t;
        });
        refill();
    }

    /** A live standby, or null (none ready): the caller starts a runner itself. Starts its replacement. */
    Standby take() {
        for (;;) {
            Standby s;
            synchronized (this) {
                s = ready.poll();
            }
            if (s != null) {
                refill();
            }
            if (s == null || s.process().isAlive()) {
                return s;
            }
            log.warn("a standby runner had exited (code {}) before it got a task; its log:\n{}",
                    s.process().exitValue(), LocalTaskLauncher.tail(s.dir().resolve("runner.log"), 15));
            LocalTaskLauncher.removeTree(s.dir());
            LocalTaskLauncher.removeTree(s.runDir());
        }
    }

    /**
     * Pools whose owner is gone (a server that exited or crashed; its standbys exit when their stdin
     * closes). A pool whose lock is held, by another process or another launcher in this JVM, is live.
     */
    private static void removeAbandonedPools(Path pools, Path runPools) {
        if (!Files.isDirectory(pools)) {
            return;
        }
        try (Stream<Path> children = Files.list(pools)) {
            children.filter(StandbyRunners::abandoned).forEach(pool -> {
                log.info("removing the standby pool of a server that is gone: {}", pool.getFileName());
                LocalTaskLauncher.removeTree(pool);
                LocalTaskLauncher.removeTree(runPools.resolve(pool.getFileName().toString()));
            });
        } catch (IOException e) {
            log.debug("could not list {}: {}", pools, e.toString());
        }
    }

    private static boolean abandoned(Path pool) {
        Path lock = pool.resolve(LOCK);
        if (!Files.exists(lock)) {
            return true;
        }
        try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.WRITE)) {
            FileLock held = channel.tryLock();
            if (held == null) {
                return false; // another process holds it
            }
            held.release();
            return true;
        } catch (OverlappingFileLockException e) {
            return false; // another launcher in this JVM holds it
        } catch (IOException e) {
            return false; // when in doubt, leave it
        }
    }

    /** Standbys ready now (for tests and logs). */
    synchronized int ready() {
        return ready.size();
    }

    /**
     * Starts standbys (one after another, in the background) until {@code size} are ready or starting.
     * A start that fails ends the chain until the next call.
     */
    void refill() {
        synchronized (this) {
            if (closed || ready.size() + starting >= size) {
                return;
            }
            starting++;
        }
        try {
            starter.execute(this::startOne);
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                starting--;
            }
        }
    }

    private void startOne() {
        String name = UUID.randomUUID().toString();
        Path dir = parent.resolve(name);
        Path runDir = runParent == null ? dir.resolve("run") : runParent.resolve(name);
        Standby started = null;
        try {
            Files.createDirectories(dir);
            Files.createDirectories(runDir);
            Process p = command.apply(dir, runDir).start();
            started = new Standby(p, dir, runDir);
        } catch (IOException | RuntimeException e) {
            log.warn("could not start a standby runner ({}); tasks start their own until the next one", e.toString());
        }
        boolean keep;
        synchronized (this) {
            starting--;
            keep = started != null && !closed;
            if (keep) {
                ready.add(started);
            }
        }
        if (keep) {
            refill();
        } else if (started != null) {
            stop(started);
        }
    }

    @Override
    public void close() {
        List<Standby> left;
        synchronized (this) {
            closed = true;
            left = List.copyOf(ready);
            ready.clear();
        }
        starter.shutdownNow();
        left.forEach(StandbyRunners::stop);
        try {
            ownerLock.close(); // releases the lock
        } catch (IOException e) {
            log.debug("could not release the standby pool's lock: {}", e.toString());
        }
        LocalTaskLauncher.removeTree(parent);
        if (runParent != null) {
            LocalTaskLauncher.removeTree(runParent);
        }
    }

    /** End of input tells a standby to exit; it is killed if it does not within a second. */
    private static void stop(Standby s) {
        try {
            s.process().getOutputStream().close();
            if (!s.process().waitFor(1, TimeUnit.SECONDS)) {
                s.process().destroyForcibly();
            }
        } catch (IOException e) {
            s.process().destroyForcibly();
        } catch (InterruptedException e) {
            s.process().destroyForcibly();
            Thread.currentThread().interrupt();
        }
        LocalTaskLauncher.removeTree(s.dir());
        LocalTaskLauncher.removeTree(s.runDir());
    }
}

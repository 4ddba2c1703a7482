package io.waldiez.runner.server.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a local runner inside bubblewrap ({@code bwrap}, Debian package {@code bubblewrap}): a flow is a
 * tenant's untrusted code, and on the embedded default it would otherwise run as the server's user,
 * next to the server's data directory (JWT key, {@code clients.json}, PostgreSQL data, other runs).
 *
 * <p>Inside, the run sees only what it needs, at fixed paths: the system's {@code /usr} and a few
 * files of {@code /etc} (name resolution, CA certificates) and the runner's Python read-only, its task's
 * files read-only at {@link #TASK_DIR}, its working directory writable at {@link #WORK_DIR}, a private
 * {@code /tmp}, {@code /proc} and {@code /dev}. It runs as {@code nobody} in its own user, PID, IPC and
 * UTS namespaces, with no capabilities, and dies with the server. The network is shared (the run needs
 * Redis and the model endpoints), which is why Redis and PostgreSQL require credentials and each run
 * gets its own Redis user.
 */
final class Sandbox {

    private static final Logger log = LoggerFactory.getLogger(Sandbox.class);

    /** Where a sandboxed run finds its task's files (flow.waldiez). */
    static final Path TASK_DIR = Path.of("/sandbox/task");
    /** A sandboxed run's working directory. */
    static final Path WORK_DIR = Path.of("/sandbox/work");
    /** Where a sandboxed run sees the built environments of flows' packages (read-only), and a builder its own. */
    static final Path PACKAGES_DIR = Path.of("/sandbox/packages");

    /** Files of /etc a run may need: name resolution, TLS roots, time zone, alternatives' links. */
    private static final List<String> ETC = List.of("resolv.conf", "hosts", "host.conf", "nsswitch.conf", "gai.conf",
            "ssl", "ca-certificates", "pki", "localtime", "timezone", "alternatives", "mime.types");
    private static final int NOBODY = 65534;

    private final Path bwrap;
    private final List<String> fixedArgs;
    private final String description;

    private Sandbox(Path bwrap, List<String> fixedArgs, String description) {
        this.bwrap = bwrap;
        this.fixedArgs = fixedArgs;
        this.description = description;
    }

    /** No sandbox (configured off, or unavailable with {@code reason}). */
    static Sandbox none(String reason) {
        return new Sandbox(null, List.of(), reason);
    }

    /**
     * Finds {@code bwrap}, prepares the fixed part of its command (the runner's Python included) and
     * checks that a run can start inside it; a sandbox that cannot is reported as unavailable.
     *
     * @param bwrapCommand {@code bwrap}, looked up on PATH, or a path
     * @param python the runner virtualenv's python
     * @param stateDir a directory of the server for the sandbox's own files (its passwd)
     * @param packages the built environments of flows' packages, which every run sees read-only at
     *     {@link #PACKAGES_DIR}; null when flows' packages are off
     */
    static Sandbox detect(String bwrapCommand, Path python, Path stateDir, Path packages) {
        Path binary = which(bwrapCommand);
        if (binary == null) {
            return none("bubblewrap (" + bwrapCommand + ") is not installed: install the bubblewrap package");
        }
        try {
            String version = run(List.of(binary.toString(), "--version")).strip();
            List<String> pythonDirs = pythonDirs(python);
            for (String dir : pythonDirs) {
                if (Path.of(dir).startsWith(TASK_DIR.getParent())) {
                    return none("the runner's Python lives under " + TASK_DIR.getParent() + ", which the sandbox uses");
                }
            }
            List<String> args = fixedArgs(pythonDirs, writeIdentity(stateDir), packages);
            Sandbox sandbox = new Sandbox(binary, args, version);
            // A trial: the runner's Python starts inside and sees only its task.
            Path probe = Files.createTempDirectory(stateDir, "probe-");
            try {
                List<String> cmd = sandbox.wrap(List.of(python.toString(), "-c",
                        "import os; assert os.getuid() == " + NOBODY + "; assert not os.path.exists('" + stateDir + "')"),
                        probe, probe);
                run(cmd);
            } finally {
                LocalTaskLauncher.removeTree(probe);
            }
            return sandbox;
        } catch (IOException e) {
            return none("bubblewrap cannot start a run here: " + e.getMessage());
        }
    }

    boolean enabled() {
        return bwrap != null;
    }

    /** {@code bubblewrap <version>}, or why there is no sandbox. */
    String description() {
        return description;
    }

    /**
     * {@code command} inside the sandbox, with {@code taskDir} at {@link #TASK_DIR} (read-only) and
     * {@code runDir} at {@link #WORK_DIR} (writable); {@code command} unchanged without a sandbox.
     */
    List<String> wrap(List<String> command, Path taskDir, Path runDir) {
        if (bwrap == null) {
            return command;
        }
        List<String> cmd = new ArrayList<>(fixedArgs.size() + command.size() + 10);
        cmd.add(bwrap.toString());
        cmd.addAll(fixedArgs);
        cmd.addAll(List.of("--ro-bind", taskDir.toString(), TASK_DIR.toString(),
                "--bind", runDir.toString(), WORK_DIR.toString(), "--chdir", WORK_DIR.toString(), "--"));
        cmd.addAll(command);
        return cmd;
    }

    /**
     * {@code command} as the builder of one flow environment: like a run (as {@code nobody}, the same
     * read-only system and Python, the network), but with no task and only its environment's directory
     * {@code entry} writable, at {@code PACKAGES_DIR/<its name>} (where runs will see it), and the
     * machine's pip configuration ({@code /etc/pip.conf}) read-only; {@code command} unchanged without
     * a sandbox.
     */
    List<String> wrapBuild(List<String> command, Path entry) {
        if (bwrap == null) {
            return command;
        }
        String inside = PACKAGES_DIR.resolve(entry.getFileName().toString()).toString();
        List<String> cmd = new ArrayList<>(fixedArgs.size() + command.size() + 10);
        cmd.add(bwrap.toString());
        cmd.addAll(fixedArgs);
        cmd.addAll(List.of("--bind", entry.toString(), inside,
                "--ro-bind-try", "/etc/pip.conf", "/etc/pip.conf", "--chdir", inside, "--"));
        cmd.addAll(command);
        return cmd;
    }

    private static List<String> fixedArgs(List<String> pythonDirs, Path identity, Path packages) {
        // Fresh filesystems first: a later bind under /tmp or /dev/shm (a runner venv in a clone
        // under /tmp) must not be hidden by them.
        List<String> a = new ArrayList<>(List.of(
                // A session of its own (no TIOCSTI into the server's terminal); the runner then
                // lowers that session's scheduling weight too, as nice alone no longer ranks it
                // against the server under Linux's autogroup scheduling.
                "--die-with-parent", "--new-session", "--setenv", "WALDIEZ_OWN_SESSION", "1",
                "--unshare-all", "--share-net", "--unshare-user", "--uid", Integer.toString(NOBODY),
                "--gid", Integer.toString(NOBODY), "--hostname", "waldiez-run",
                "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--tmpfs", "/dev/shm",
                "--ro-bind", "/usr", "/usr"));
        for (String link : List.of("bin", "lib", "lib64", "sbin", "lib32", "libx32")) {
            Path p = Path.of("/", link);
            if (Files.isSymbolicLink(p)) {
                a.addAll(List.of("--symlink", "usr/" + link, "/" + link));
            } else if (Files.isDirectory(p)) {
                a.addAll(List.of("--ro-bind", p.toString(), p.toString()));
            }
        }
        for (String name : ETC) {
            a.addAll(List.of("--ro-bind-try", "/etc/" + name, "/etc/" + name));
        }
        a.addAll(List.of("--ro-bind", identity.resolve("passwd").toString(), "/etc/passwd",
                "--ro-bind", identity.resolve("group").toString(), "/etc/group"));
        for (String dir : pythonDirs) {
            if (!dir.startsWith("/usr/")) {
                a.addAll(List.of("--ro-bind", dir, dir));
            }
        }
        if (packages != null) {
            a.addAll(List.of("--ro-bind", packages.toString(), PACKAGES_DIR.toString()));
        }
        return List.copyOf(a);
    }

    /** The virtualenv and the installation it is based on (a venv's python is a link into the latter). */
    private static List<String> pythonDirs(Path python) throws IOException {
        String out = run(List.of(python.toString(), "-c", "import sys; print(sys.prefix); print(sys.base_prefix)"));
        return out.lines().map(String::strip).filter(l -> !l.isEmpty()).distinct().toList();
    }

    /** A passwd and group naming only {@code nobody}, whose home is the run's working directory. */
    private static Path writeIdentity(Path stateDir) throws IOException {
        Path dir = stateDir.resolve("identity");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("passwd"),
                "nobody:x:" + NOBODY + ":" + NOBODY + ":nobody:" + WORK_DIR + "/home:/usr/sbin/nologin\n");
        Files.writeString(dir.resolve("group"), "nogroup:x:" + NOBODY + ":\n");
        return dir;
    }

    private static Path which(String command) {
        if (command.contains("/")) {
            Path p = Path.of(command);
            return Files.isExecutable(p) ? p : null;
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : (path + ":/usr/bin:/bin").split(":")) {
            if (!dir.isBlank() && Files.isExecutable(Path.of(dir, command))) {
                return Path.of(dir, command);
            }
        }
        return null;
    }

    private static String run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(cmd.get(0) + " did not finish");
            }
            if (p.exitValue() != 0) {
                String last = out.strip().lines().reduce((x, y) -> y).orElse("exit code " + p.exitValue());
                throw new IOException(last);
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted");
        }
    }

    @Override
    public String toString() {
        return enabled() ? description : "none (" + description + ")";
    }
}

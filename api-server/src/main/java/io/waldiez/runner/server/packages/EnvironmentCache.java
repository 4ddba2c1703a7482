package io.waldiez.runner.server.packages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.waldiez.runner.protocol.PackagesKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory of built environments, {@code <cache-dir>/envs/<key>} (what runs see, read-only), with
 * the builds' locks beside it in {@code <cache-dir>/locks}. An environment is complete once the builder
 * wrote its marker ({@code .waldiez-env.json} naming its key); its directory's modification time is its
 * last use, which decides what {@link #evict} removes first.
 */
public final class EnvironmentCache {

    public static final String MARKER = ".waldiez-env.json";
    public static final String FAILED = ".waldiez-env-failed.json";
    private static final Logger log = LoggerFactory.getLogger(EnvironmentCache.class);
    /** A failed build's record stays this long (the runs that waited read it), then goes. */
    private static final Duration FAILED_KEPT = Duration.ofHours(1);

    /** A complete environment: its key, size and last use. */
    public record Entry(String key, long bytes, Instant lastUsed) {
    }

    private final Path root;
    private final Path envs;
    private final Path locks;
    private final ObjectMapper json;

    public EnvironmentCache(Path root, ObjectMapper json) throws IOException {
        this.root = root;
        this.envs = root.resolve("envs");
        this.locks = root.resolve("locks");
        this.json = json;
        Files.createDirectories(envs);
        Files.createDirectories(locks);
    }

    public Path root() {
        return root;
    }

    /** The directory runs see (read-only): every environment, by key. */
    public Path envs() {
        return envs;
    }

    public Path entry(String key) {
        if (!PackagesKey.isKey(key)) {
            throw new IllegalArgumentException("not an environment key");
        }
        return envs.resolve(key);
    }

    public Path lockFile(String key) {
        return locks.resolve(entry(key).getFileName() + ".lock");
    }

    /** The complete environment {@code key}, if there is one. */
    public Optional<Entry> find(String key) {
        Path dir = entry(key);
        JsonNode marker = read(dir.resolve(MARKER));
        if (marker == null || !key.equals(marker.path("key").asText())) {
            return Optional.empty();
        }
        return Optional.of(new Entry(key, marker.path("bytes").asLong(), lastModified(dir)));
    }

    /** The one-line reason the last build of {@code key} failed, if it did. */
    public Optional<String> failure(String key) {
        JsonNode record = read(entry(key).resolve(FAILED));
        return record == null ? Optional.empty() : Optional.of(record.path("summary").asText("the build failed"));
    }

    /** Records a use of {@code key} (its last use decides eviction). */
    public void touch(String key) {
        try {
            Files.setLastModifiedTime(entry(key), FileTime.from(Instant.now()));
        } catch (IOException e) {
            log.debug("could not touch environment {}: {}", key, e.toString());
        }
    }

    /** Every complete environment. */
    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        try (Stream<Path> children = Files.list(envs)) {
            children.map(p -> p.getFileName().toString()).filter(PackagesKey::isKey)
                    .forEach(k -> find(k).ifPresent(out::add));
        } catch (IOException e) {
            log.warn("could not list the environments in {}: {}", envs, e.toString());
        }
        return out;
    }

    public long totalBytes() {
        return entries().stream().mapToLong(Entry::bytes).sum();
    }

    /**
     * Removes least recently used environments not in {@code keep} until the total is at most
     * {@code maxBytes}, and failed builds' leftovers older than an hour (when their key is not in
     * {@code keep}, which holds what runs use and what is being built).
     *
     * @return the keys removed
     */
    public List<String> evict(long maxBytes, Set<String> keep) {
        List<String> removed = new ArrayList<>();
        try (Stream<Path> children = Files.list(envs)) {
            Instant old = Instant.now().minus(FAILED_KEPT);
            children.filter(p -> PackagesKey.isKey(p.getFileName().toString()))
                    .filter(p -> !keep.contains(p.getFileName().toString()))
                    .filter(p -> !Files.exists(p.resolve(MARKER)) && lastModified(p).isBefore(old))
                    .forEach(p -> {
                        remove(p.getFileName().toString());
                        removed.add(p.getFileName().toString());
                    });
        } catch (IOException e) {
            log.warn("could not list the environments in {}: {}", envs, e.toString());
        }
        List<Entry> all = new ArrayList<>(entries());
        long total = all.stream().mapToLong(Entry::bytes).sum();
        all.sort(Comparator.comparing(Entry::lastUsed));
        for (Entry e : all) {
            if (total <= maxBytes) {
                break;
            }
            if (keep.contains(e.key())) {
                continue;
            }
            log.info("removing environment {} ({} MiB, last used {}): the cache is over its size", e.key(),
                    e.bytes() >> 20, e.lastUsed());
            remove(e.key());
            removed.add(e.key());
            total -= e.bytes();
        }
        return removed;
    }

    /** Removes an environment: its marker first, so that no run starts using it meanwhile. */
    public void remove(String key) {
        Path dir = entry(key);
        try {
            Files.deleteIfExists(dir.resolve(MARKER));
        } catch (IOException e) {
            log.debug("could not remove the marker of {}: {}", key, e.toString());
        }
        removeTree(dir);
    }

    /** Empties {@code key}'s directory for a new build (created if missing). */
    public Path prepare(String key) throws IOException {
        remove(key);
        return Files.createDirectories(entry(key));
    }

    static void removeTree(Path dir) {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException e) {
            log.debug("could not remove {}: {}", dir, e.toString());
        }
    }

    private JsonNode read(Path file) {
        try {
            return Files.isRegularFile(file) ? json.readTree(file.toFile()) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static Instant lastModified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toInstant();
        } catch (IOException e) {
            return Instant.EPOCH;
        }
    }
}

package io.hotcrm.destinations.local;

import io.hotcrm.common.HotCrmException;
import io.hotcrm.destinations.Destination;
import io.hotcrm.destinations.DestinationKind;
import io.hotcrm.destinations.Destinations;
import io.hotcrm.destinations.Upload;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A directory on the HotCRM server: files are written under a hidden temporary name and renamed when complete.
 * Only directories inside the ones the operator allows (HOTCRM_EXPORT_DIRS; by default the data directory's
 * {@code exports} folder) can be used: a relative path is taken inside the first of them, an absolute one must
 * lie inside one of them — checked on the canonical path, so neither {@code ..} nor a symbolic link leads out.
 */
public final class LocalKind implements DestinationKind {
    private final List<Path> allowed;

    /** @param allowed the directories exports may be written under (at least one) */
    public LocalKind(List<Path> allowed) {
        if (allowed.isEmpty()) {
            throw new IllegalArgumentException("at least one allowed export directory");
        }
        this.allowed = allowed.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    }

    @Override
    public String type() {
        return "local";
    }

    @Override
    public List<Setting> settings() {
        return List.of(Setting.required("path", "a directory on the HotCRM server inside " + roots()
                + " (relative paths are taken inside " + allowed.get(0) + ")"));
    }

    private String roots() {
        return String.join(", ", allowed.stream().map(Path::toString).toList());
    }

    @Override
    public Destination open(Map<String, String> settings) {
        Path dir = confine(settings.get("path"));
        return new Local(dir, rootOf(dir));
    }

    /** The directory the setting names, if it lies inside an allowed directory; otherwise a clear refusal. */
    Path confine(String setting) {
        String text = setting == null ? "" : setting.trim();
        if (text.isEmpty() || text.chars().anyMatch(c -> c < 32)) {
            throw HotCrmException.invalid("The local destination needs a path: a directory inside " + roots() + ".");
        }
        Path given;
        try {
            given = Path.of(text);
        } catch (java.nio.file.InvalidPathException e) {
            throw HotCrmException.invalid("\"" + text + "\" is not a directory path.");
        }
        for (Path part : given) {
            if (part.toString().equals("..")) {
                throw HotCrmException.invalid("The local destination's path \"" + text + "\" contains \"..\"; name the"
                        + " directory without it, inside " + roots() + ".");
            }
        }
        Path dir = (given.isAbsolute() ? given : allowed.get(0).resolve(given)).normalize();
        if (rootOf(dir) == null) {
            throw HotCrmException.denied("The local destination's path " + dir + " is outside the directories HotCRM may"
                    + " write exports to (" + roots() + "). Choose a directory inside them; an administrator can allow"
                    + " more with the HOTCRM_EXPORT_DIRS setting.");
        }
        return dir;
    }

    /** The allowed directory that really (symbolic links resolved) contains the path, or null. */
    private Path rootOf(Path dir) {
        Path real = real(dir);
        for (Path root : allowed) {
            if (real.startsWith(real(root))) {
                return root;
            }
        }
        return null;
    }

    /** The canonical form of a path that may not exist yet: its deepest existing ancestor resolved, the rest appended. */
    static Path real(Path p) {
        Path existing = p;
        Path rest = null;
        while (existing != null && !Files.exists(existing, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Path name = existing.getFileName();
            rest = rest == null ? name : name.resolve(rest);
            existing = existing.getParent();
        }
        if (existing == null) {
            return p;
        }
        try {
            Path r = existing.toRealPath();
            return rest == null ? r : r.resolve(rest).normalize();
        } catch (IOException e) {
            throw HotCrmException.denied("The directory " + p + " cannot be resolved (" + existing
                    + " is a broken symbolic link?); choose another.");
        }
    }

    static final class Local implements Destination {
        private final Path dir;
        private final Path root;
        /** The allowed directory with its symbolic links resolved, what every file's real path must lie in. */
        private final Path realRoot;

        Local(Path dir, Path root) {
            this.dir = dir;
            this.root = root;
            this.realRoot = real(root);
        }

        @Override
        public String describe() {
            return dir.toUri().toString();
        }

        @Override
        public void test() {
            try {
                Files.createDirectories(dir);
                Path probe = Files.createTempFile(dir, ".hotcrm-probe-", ".tmp");
                Files.delete(probe);
            } catch (IOException | SecurityException e) {
                throw HotCrmException.invalid("HotCRM cannot write to the directory " + dir + ": " + e.getMessage()
                        + ". Create it, or give the HotCRM user write access.");
            }
        }

        @Override
        public Upload upload(String name) throws IOException {
            Path target = file(name);
            Files.createDirectories(target.getParent());
            if (!target.getParent().toRealPath().startsWith(realRoot)) {
                throw HotCrmException.denied("\"" + name + "\" would be written outside " + root
                        + " (a symbolic link leads out of it); HotCRM does not follow it.");
            }
            Path part = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".part");
            OutputStream out = new BufferedOutputStream(Files.newOutputStream(part), 1 << 16);
            return new Upload() {
                boolean done;

                @Override
                public OutputStream stream() {
                    return out;
                }

                @Override
                public void commit() throws IOException {
                    out.close();
                    try {
                        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    } catch (AtomicMoveNotSupportedException e) {
                        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                    done = true;
                }

                @Override
                public void abort() {
                    if (done) {
                        return;
                    }
                    done = true;
                    try {
                        out.close();
                    } catch (IOException e) {
                        // the partial file is removed below either way
                    }
                    try {
                        Files.deleteIfExists(part);
                    } catch (IOException e) {
                        // nothing visible under the real name either way
                    }
                }
            };
        }

        @Override
        public List<String> list() throws IOException {
            if (!Files.isDirectory(dir)) {
                return List.of();
            }
            try (Stream<Path> s = Files.walk(dir)) {
                return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString().replace('\\', '/'))
                        .filter(n -> !n.startsWith(".") && !n.contains("/.")).sorted().toList();
            }
        }

        @Override
        public List<String> list(String prefix) throws IOException {
            int slash = prefix.lastIndexOf('/');
            Path folder = slash < 0 ? dir : file(prefix.substring(0, slash));
            if (!Files.isDirectory(folder)) {
                return List.of();
            }
            try (Stream<Path> s = Files.walk(folder)) {
                return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString().replace('\\', '/'))
                        .filter(n -> n.startsWith(prefix) && !n.substring(slash + 1).startsWith(".")).sorted().toList();
            }
        }

        @Override
        public void deleteFolder(String prefix) throws IOException {
            Path folder = file(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix);
            if (!Files.isDirectory(folder, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            try (Stream<Path> s = Files.walk(folder)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }

        @Override
        public boolean exists(String name) {
            return Files.isRegularFile(file(name));
        }

        @Override
        public java.util.Optional<Path> localPath(String name) {
            return java.util.Optional.of(file(name));
        }

        @Override
        public InputStream open(String name) throws IOException {
            return Files.newInputStream(file(name));
        }

        @Override
        public void delete(String name) throws IOException {
            Path f = file(name);
            Files.deleteIfExists(f);
            // folders left empty go too (as in a bucket, where folders are only name prefixes)
            for (Path d = f.getParent(); d != null && d.startsWith(dir) && !d.equals(dir); d = d.getParent()) {
                try (Stream<Path> s = Files.list(d)) {
                    if (s.findAny().isPresent()) {
                        break;
                    }
                }
                Files.deleteIfExists(d);
            }
        }

        private Path file(String name) {
            Path p = dir.resolve(Destinations.checkName(name)).normalize();
            if (!p.startsWith(dir) || !real(p).startsWith(realRoot)) {
                throw HotCrmException.denied("\"" + name + "\" points outside the destination directory.");
            }
            return p;
        }

        @Override
        public void close() {
            // nothing held open
        }
    }
}

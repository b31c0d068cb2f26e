package io.hotcrm.files;

import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.destinations.Destination;
import io.hotcrm.destinations.Upload;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Files shared by every node, under keys. A file is written whole or not at all ({@link #create} then
 * {@link Upload#commit}); it is read as a stream ({@link #open}) or, where random access is needed (Excel
 * workbooks), as a path on this machine ({@link #local}): the file itself in a local store, a download into
 * this node's scratch directory from a bucket. Keys are checked: letters, digits, {@code . _ -} and '/'
 * between parts, no {@code ..}, no leading '/'.
 */
public final class FileStore implements AutoCloseable {
    private static final Pattern KEY = Pattern.compile("[\\p{L}\\p{N}._ -]+(/[\\p{L}\\p{N}._ -]+)*");
    private final Destination backing;
    private final Path scratch;
    private final boolean shared;

    /**
     * @param backing where files live (a local directory or a bucket, opened by the composition root)
     * @param scratch a directory on this machine for downloads of files read with random access
     * @param shared  whether other nodes see the same files (a bucket), for messages and operators
     */
    public FileStore(Destination backing, Path scratch, boolean shared) {
        this.backing = backing;
        this.scratch = scratch;
        this.shared = shared;
    }

    /** Where the store is, without secrets: a directory, or {@code s3://bucket/prefix/}. */
    public String describe() {
        return backing.describe();
    }

    public boolean shared() {
        return shared;
    }

    /** A key made of parts joined with '/', each part checked. */
    public static String key(String... parts) {
        return check(String.join("/", parts));
    }

    static String check(String key) {
        if (key == null || key.length() > 1000 || !KEY.matcher(key).matches() || key.contains("..")) {
            throw HotCrmException.invalid("\"" + (key == null ? "" : key.length() > 200 ? key.substring(0, 200) + "…" : key)
                    + "\" is not a file store key.");
        }
        return key;
    }

    /** Starts writing a file; it becomes visible (replacing one of the same key) when committed. */
    public NewFile create(String key) {
        try {
            return new NewFile(key, backing.upload(check(key)));
        } catch (IOException e) {
            throw unavailable("write " + key + " to", e);
        }
    }

    /**
     * A file being written: write to {@link #stream()}, then {@link #commit()} makes it visible whole. Closing
     * without committing leaves nothing behind (and any older file of the key as it was).
     */
    public final class NewFile implements AutoCloseable {
        private final String key;
        private final Upload upload;

        NewFile(String key, Upload upload) {
            this.key = key;
            this.upload = upload;
        }

        public OutputStream stream() {
            return upload.stream();
        }

        public void commit() {
            try {
                upload.commit();
            } catch (IOException e) {
                throw unavailable("write " + key + " to", e);
            }
        }

        @Override
        public void close() {
            upload.abort();
        }
    }

    /** Writes a whole file from a stream; returns its size. */
    public long put(String key, InputStream in) {
        try (NewFile u = create(key); InputStream src = in) {
            OutputStream out = u.stream();
            long n = src.transferTo(out);
            out.flush();
            u.commit();
            return n;
        } catch (IOException e) {
            throw unavailable("write " + key + " to", e);
        }
    }

    /** Reads a file; a missing one is "not found". */
    public InputStream open(String key) {
        if (!exists(key)) {
            throw HotCrmException.notFound("The file " + key + " is not in the file store (" + describe() + ").");
        }
        try {
            return backing.open(key);
        } catch (IOException e) {
            throw unavailable("read " + key + " from", e);
        }
    }

    public boolean exists(String key) {
        try {
            return backing.exists(check(key));
        } catch (IOException e) {
            throw unavailable("look for " + key + " in", e);
        }
    }

    /** The keys starting with the prefix (a folder: end it with '/'), sorted. */
    public List<String> list(String prefix) {
        try {
            return backing.list(check(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix)
                    + (prefix.endsWith("/") ? "/" : ""));
        } catch (IOException e) {
            throw unavailable("list " + prefix + " in", e);
        }
    }

    /** Every key in the store, sorted (a backup reads them all). */
    public List<String> listAll() {
        try {
            return backing.list();
        } catch (IOException e) {
            throw unavailable("list the files of", e);
        }
    }

    public void delete(String key) {
        try {
            backing.delete(check(key));
        } catch (IOException e) {
            throw unavailable("delete " + key + " from", e);
        }
    }

    /** Deletes every file under the folder, with what unfinished writes left there. */
    public void deleteAll(String folder) {
        String f = check(folder.endsWith("/") ? folder.substring(0, folder.length() - 1) : folder) + "/";
        try {
            backing.deleteFolder(f);
        } catch (IOException e) {
            throw unavailable("delete " + f + " from", e);
        }
    }

    /**
     * The file as a path on this machine, for reading with random access: the stored file itself in a local
     * store; otherwise a download into this node's scratch directory, removed when the copy is closed.
     */
    public LocalCopy local(String key) {
        Optional<Path> in = backing.localPath(check(key));
        if (in.isPresent()) {
            if (!Files.isRegularFile(in.get())) {
                throw HotCrmException.notFound("The file " + key + " is not in the file store (" + describe() + ").");
            }
            return new LocalCopy(in.get(), false);
        }
        try {
            Files.createDirectories(scratch);
            String name = key.substring(key.lastIndexOf('/') + 1);
            Path dir = Files.createTempDirectory(scratch, "dl-");
            Path file = dir.resolve(name);
            try (InputStream src = open(key)) {
                Files.copy(src, file);
            } catch (RuntimeException | IOException e) {
                deleteQuietly(dir);
                throw e;
            }
            return new LocalCopy(file, true);
        } catch (IOException e) {
            throw unavailable("download " + key + " from", e);
        }
    }

    /** A file readable on this machine; closing removes it if it was downloaded for the purpose. */
    public static final class LocalCopy implements AutoCloseable {
        private final Path path;
        private final boolean temporary;

        LocalCopy(Path path, boolean temporary) {
            this.path = path;
            this.temporary = temporary;
        }

        /** A file that is on this machine already (given on the command line): closing leaves it alone. */
        public static LocalCopy of(Path path) {
            return new LocalCopy(path, false);
        }

        public Path path() {
            return path;
        }

        @Override
        public void close() {
            if (temporary) {
                deleteQuietly(path.getParent());
            }
        }
    }

    /**
     * Where a key is, for people: the file's path in a local store (to open it directly), or its
     * {@code s3://} address.
     */
    public String where(String key) {
        return backing.localPath(check(key)).map(Path::toString)
                .orElse(describe().replaceFirst(" at .*$", "") + key);
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException | UncheckedIOException ignored) {
            // a leftover download in the scratch directory is harmless
        }
    }

    private HotCrmException unavailable(String what, IOException e) {
        return new HotCrmException(ErrorCode.UNAVAILABLE, "Could not " + what + " the file store (" + describe() + "): "
                + e.getMessage(), e);
    }

    @Override
    public void close() {
        backing.close();
    }
}

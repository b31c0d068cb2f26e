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

/** A directory on the HotCRM server: files are written under a hidden temporary name and renamed when complete. */
public final class LocalKind implements DestinationKind {
    @Override
    public String type() {
        return "local";
    }

    @Override
    public List<Setting> settings() {
        return List.of(Setting.required("path", "the directory files are written to, on the HotCRM server"));
    }

    @Override
    public Destination open(Map<String, String> settings) {
        return new Local(Path.of(settings.get("path")).toAbsolutePath().normalize());
    }

    static final class Local implements Destination {
        private final Path dir;

        Local(Path dir) {
            this.dir = dir;
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
        public InputStream open(String name) throws IOException {
            return Files.newInputStream(file(name));
        }

        @Override
        public void delete(String name) throws IOException {
            Files.deleteIfExists(file(name));
        }

        private Path file(String name) {
            Path p = dir.resolve(Destinations.checkName(name)).normalize();
            if (!p.startsWith(dir)) {
                throw HotCrmException.invalid("\"" + name + "\" points outside the destination directory.");
            }
            return p;
        }

        @Override
        public void close() {
            // nothing held open
        }
    }
}

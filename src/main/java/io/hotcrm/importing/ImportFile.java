package io.hotcrm.importing;

import io.hotcrm.common.HotCrmException;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The file an import reads: an upload in the shared file store (REST and the console; any node can run the
 * import), or a file given on the command line, read where the command runs.
 */
public record ImportFile(UUID uploadId, Path path, String name) {
    public ImportFile {
        if ((uploadId == null) == (path == null)) {
            throw new IllegalArgumentException("an import file is an upload or a local path");
        }
        if (name == null || name.isBlank()) {
            if (path == null) {
                throw HotCrmException.invalid("An uploaded file needs its name.");
            }
            name = path.getFileName() == null ? path.toString() : path.getFileName().toString();
        }
    }

    /** An uploaded file ({@link Importer#upload}). */
    public static ImportFile upload(Uploaded u) {
        return new ImportFile(u.id(), null, u.name());
    }

    /** A file on this machine, given on the command line. */
    public static ImportFile local(Path path) {
        return new ImportFile(null, path.toAbsolutePath().normalize(), null);
    }
}

package io.hotcrm.importing;

import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.common.Ids;
import io.hotcrm.files.FileStore;
import io.hotcrm.security.AccessGuard;
import io.hotcrm.security.Principal;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * Files uploaded for import ({@code hc_upload}), kept in the shared file store so whichever node runs the
 * import reads them; and the file an import reads, on this machine.
 */
final class Uploads {
    /** Names of uploaded files are kept to this many characters (the extension is kept). */
    static final int MAX_NAME = 120;

    private final Jdbi jdbi;
    private final FileStore files;

    Uploads(Jdbi jdbi, FileStore files) {
        this.jdbi = jdbi;
        this.files = files;
    }

    /** The key an upload is kept under in the file store: {@code uploads/<id>/<name>}. */
    static String storeKey(UUID id, String name) {
        return FileStore.key("uploads", id.toString(), name);
    }

    /** The upload a key of {@link #storeKey} names. */
    static UUID idOf(String storeKey) {
        String[] parts = storeKey.split("/");
        return UUID.fromString(parts[parts.length - 2]);
    }

    /** An upload with its key in the file store. */
    record Stored(Uploaded uploaded, String key) {
    }

    Uploaded upload(Principal p, String originalName, InputStream in, long maxBytes) {
        String name = safeName(originalName);
        UUID id = Ids.newId();
        String key = storeKey(id, name);
        long size = 0;
        try (FileStore.NewFile u = files.create(key); InputStream src = in) {
            OutputStream out = u.stream();
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = src.read(buf)) > 0) {
                size += n;
                if (size > maxBytes) {
                    throw new HotCrmException(ErrorCode.TOO_LARGE, "The file is larger than " + (maxBytes / 1024 / 1024)
                            + " MB, the limit for uploads. Split it into smaller files, or import it with the command line"
                            + " (hotcrm import FILE --object OBJECT), which streams a file of any size.");
                }
                out.write(buf, 0, n);
            }
            if (size == 0) {
                throw HotCrmException.invalid("The upload is empty: send the file's bytes.");
            }
            out.flush();
            u.commit();
        } catch (IOException e) {
            throw HotCrmException.invalid("The upload of " + name + " broke off (" + e.getMessage() + "); send it again.");
        }
        long bytes = size;
        jdbi.useHandle(h -> h.createUpdate("insert into hc_upload (id, file_key, file_name, size, created_by, created_at)"
                        + " values (:id, :key, :name, :size, :by, :now)").bind("id", id).bind("key", key).bind("name", name)
                .bind("size", bytes).bind("by", p.email()).bind("now", OffsetDateTime.now(ZoneOffset.UTC)).execute());
        return new Uploaded(id, name, bytes);
    }

    /** An upload of the principal's (or anyone's, for setup roles); "not found" otherwise. */
    Stored stored(Principal p, UUID id) {
        return jdbi.withHandle(h -> h.createQuery("select id, file_key, file_name, size, created_by from hc_upload where id = :id")
                        .bind("id", id).map((rs, c) -> AccessGuard.canSeeWorkOf(p, rs.getString("created_by"))
                                ? new Stored(new Uploaded(rs.getObject("id", UUID.class), rs.getString("file_name"),
                                rs.getLong("size")), rs.getString("file_key")) : null)
                        .findOne())
                .orElseThrow(() -> HotCrmException.notFound("There is no uploaded file " + id + " that you can use; upload it"
                        + " first (POST /api/v1/imports/files)."));
    }

    /** The key of the upload an import file names (the principal's own), or null for a file given on the command line. */
    String key(Principal p, ImportFile f) {
        return f.uploadId() == null ? null : stored(p, f.uploadId()).key();
    }

    /**
     * The file on this machine: the command line's own file, or the upload of {@code uploadKey} (downloaded from a
     * bucket if need be).
     */
    FileStore.LocalCopy localCopy(ImportFile f, String uploadKey) {
        if (f.path() != null) {
            if (!Files.isRegularFile(f.path())) {
                throw HotCrmException.invalid("There is no file " + f.path() + ".");
            }
            return FileStore.LocalCopy.of(f.path());
        }
        return files.local(uploadKey);
    }

    /**
     * A name safe in any file store and in a download header: the last path part, letters, digits and
     * {@code . _ - space} only, at most {@value #MAX_NAME} characters with the extension kept.
     */
    static String safeName(String name) {
        String n = name == null || name.isBlank() ? "upload.csv" : name;
        n = n.replace('\\', '/');
        n = n.substring(n.lastIndexOf('/') + 1).replaceAll("[^\\p{L}\\p{N}._ -]", "_").strip();
        n = n.replaceAll("\\.{2,}", ".");
        if (n.length() > MAX_NAME) {
            int dot = n.lastIndexOf('.');
            String ext = dot > 0 && n.length() - dot <= 10 ? n.substring(dot) : "";
            n = n.substring(0, MAX_NAME - ext.length()).strip() + ext;
        }
        return n.isBlank() || n.startsWith(".") ? "upload" + n : n;
    }
}

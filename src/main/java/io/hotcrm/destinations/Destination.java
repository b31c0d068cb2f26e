package io.hotcrm.destinations;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/** An opened destination: a folder (directory, bucket prefix, container prefix) that files are uploaded to. */
public interface Destination extends AutoCloseable {
    /** Where files go, without secrets: {@code s3://bucket/prefix/}, {@code sftp://user@host:22/dir}. */
    String describe();

    /**
     * Checks that files can be written here: uploads and removes a small probe file. Throws a
     * {@code HotCrmException} that says what failed (unknown host, bad credentials, no such bucket, …).
     */
    void test();

    /** Starts uploading a file under {@code name} (relative to the folder; may contain '/'). */
    Upload upload(String name) throws IOException;

    /** The files in the folder (names relative to it), for monitoring and tests. */
    List<String> list() throws IOException;

    /** The files whose names start with {@code prefix} (a folder ends with '/'), names relative to the folder. */
    default List<String> list(String prefix) throws IOException {
        return list().stream().filter(n -> n.startsWith(prefix)).toList();
    }

    /** Whether a file of the name exists (a read does not then fail as missing). */
    default boolean exists(String name) throws IOException {
        return list().contains(name);
    }

    /**
     * Deletes every file under the folder ({@code prefix} ending with '/'), also what uploads that never
     * finished left behind (a process killed while writing).
     */
    default void deleteFolder(String prefix) throws IOException {
        for (String name : list(prefix)) {
            delete(name);
        }
    }

    /**
     * The file as a path on this machine, when the destination is a local directory (so it can be read in
     * place, with random access); empty for remote destinations, whose files must be downloaded.
     */
    default java.util.Optional<java.nio.file.Path> localPath(String name) {
        return java.util.Optional.empty();
    }

    InputStream open(String name) throws IOException;

    /**
     * Opens the file for a caller who keeps the stream: closing the stream closes this destination too (and a failed
     * open closes it at once).
     */
    default InputStream openHandingOver(String name) throws IOException {
        InputStream in;
        try {
            in = open(name);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        return new java.io.FilterInputStream(in) {
            @Override
            public void close() throws IOException {
                try {
                    super.close();
                } finally {
                    Destination.this.close();
                }
            }
        };
    }

    void delete(String name) throws IOException;

    @Override
    void close();
}

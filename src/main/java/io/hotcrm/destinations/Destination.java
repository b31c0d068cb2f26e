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

    InputStream open(String name) throws IOException;

    void delete(String name) throws IOException;

    @Override
    void close();
}

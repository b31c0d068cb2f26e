package io.hotcrm.destinations;

import java.io.IOException;
import java.io.OutputStream;

/**
 * One file being uploaded: write to {@link #stream()}, then {@link #commit()} makes it visible under its name
 * (replacing an older file of that name). Until then nothing is visible, and {@link #abort()} — or closing
 * without committing — leaves nothing behind.
 */
public interface Upload extends AutoCloseable {
    OutputStream stream();

    void commit() throws IOException;

    void abort();

    /** Aborts unless committed. */
    @Override
    default void close() {
        abort();
    }
}

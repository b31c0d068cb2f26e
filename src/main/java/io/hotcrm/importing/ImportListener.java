package io.hotcrm.importing;

/** Hears an import's progress after every chunk, and is asked whether to stop. */
public interface ImportListener {
    ImportListener NONE = new ImportListener() {
    };

    /** Rows processed so far of the total (-1 when the file does not say), and what is happening. */
    default void progress(long done, long total, String message) {
    }

    /** True to stop after the current chunk (what was written stays; undo removes it). */
    default boolean cancelled() {
        return false;
    }
}

package io.hotcrm.importing;

import io.hotcrm.common.Texts;
import io.hotcrm.mapping.CompiledMapping;
import io.hotcrm.mapping.CompiledMapping.Target;
import io.hotcrm.metadata.FieldType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;

/**
 * The reading and converting stage, on its own thread: streams the source's rows, converts each into typed
 * values (collecting every problem with its row and column), notes values it corrected, and hands chunks over
 * a small queue; then {@link #END}, or the failure that stopped it. Rows an earlier run already imported are
 * read past, their keys remembered for duplicates.
 */
final class Reading implements Runnable {
    /** Put on the queue after the last chunk. */
    static final Object END = new Object();

    private final Source source;
    private final CompiledMapping mapping;
    private final Keys keys;
    private final long skip;
    private final int chunkSize;
    private final BlockingQueue<Object> queue;
    private final int[] picklists;

    Reading(Source source, CompiledMapping mapping, Keys keys, long skip, int chunkSize, BlockingQueue<Object> queue) {
        this.source = source;
        this.mapping = mapping;
        this.keys = keys;
        this.skip = skip;
        this.chunkSize = chunkSize;
        this.queue = queue;
        List<Integer> p = new ArrayList<>();
        for (int i = 0; i < mapping.targets().size(); i++) {
            Target t = mapping.targets().get(i);
            if (t.fromColumn() && t.field().type() == FieldType.PICKLIST) {
                p.add(i);
            }
        }
        this.picklists = p.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public void run() {
        try {
            long skipped = 0;
            List<ImportRow> chunk = new ArrayList<>(chunkSize);
            SourceRow r;
            int width = mapping.targets().size();
            while ((r = source.next()) != null) {
                ImportRow row = new ImportRow(r.number(), r.values(), width);
                row.blank = blank(r.values());
                if (!row.blank) {
                    mapping.convert(r.number(), r.values(), row.values, row.problems);
                    checkExtraValues(r, row);
                    noteCorrections(r, row);
                }
                if (skipped < skip) {
                    skipped++;
                    keys.remember(row);
                    continue;
                }
                chunk.add(row);
                if (chunk.size() == chunkSize) {
                    queue.put(chunk);
                    chunk = new ArrayList<>(chunkSize);
                }
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
            }
            if (!chunk.isEmpty()) {
                queue.put(chunk);
            }
            queue.put(END);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            try {
                queue.put(t);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A picklist value given in another case (or as its label) is written as the picklist's value: a notice, not a problem. */
    private void noteCorrections(SourceRow r, ImportRow row) {
        for (int i : picklists) {
            if (row.values[i] instanceof String v) {
                Target t = mapping.targets().get(i);
                String given = r.values()[t.column()].strip();
                if (!given.equals(v)) {
                    row.notice(t.header(), t.name(), given, Texts.quote(given) + " was written as " + Texts.quote(v)
                            + ", the picklist's value.");
                }
            }
        }
    }

    private void checkExtraValues(SourceRow r, ImportRow row) {
        int columns = source.headers().size();
        for (int i = columns; i < r.values().length; i++) {
            if (r.values()[i] != null && !r.values()[i].isBlank()) {
                row.fail(null, null, null, "The row has " + r.values().length + " values but the file has " + columns
                        + " columns: a delimiter too many, or a quote missing around a value that contains one?");
                return;
            }
        }
    }

    private static boolean blank(String[] values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return false;
            }
        }
        return true;
    }
}

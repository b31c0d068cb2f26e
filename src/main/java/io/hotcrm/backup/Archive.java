package io.hotcrm.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A backup archive: one ZIP file of entries — {@code tables/NNN-NAME.jsonl} (a table's rows, one JSON array each),
 * {@code files/KEY} (the file store), then {@code manifest.json} (format and versions, the database it came from, per
 * table its columns, row count, SHA-256 and content hash, per file its size and SHA-256, the sequences) and
 * {@code manifest.sha256} (the SHA-256 of the manifest's bytes). {@link #verify} checks every byte of it without
 * restoring anything.
 */
final class Archive {
    static final String FORMAT = "hotcrm-backup/1";
    static final String MANIFEST = "manifest.json";
    static final String MANIFEST_SUM = "manifest.sha256";
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Archive() {
    }

    /** Writes entries, each hashed (and its lines counted) as it streams; nothing of an entry is held in memory. */
    static final class Writer implements AutoCloseable {
        private final ZipOutputStream zip;
        private MessageDigest sha;
        private long size;

        Writer(OutputStream out) {
            zip = new ZipOutputStream(out);
            zip.setLevel(Deflater.BEST_SPEED);
        }

        /** Starts an entry; write its bytes to the stream returned, then call {@link #end}. */
        OutputStream begin(String name) throws IOException {
            return begin(name, true);
        }

        /**
         * Starts an entry, deflated or (for bytes that are compressed already: images, PDFs, archives) stored as they are,
         * which costs no time and barely any space.
         */
        OutputStream begin(String name, boolean compress) throws IOException {
            zip.setLevel(compress ? Deflater.BEST_SPEED : Deflater.NO_COMPRESSION);
            zip.putNextEntry(new ZipEntry(name));
            sha = sha256();
            size = 0;
            return new FilterOutputStream(zip) {
                @Override
                public void write(int b) throws IOException {
                    zip.write(b);
                    sha.update((byte) b);
                    size++;
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    zip.write(b, off, len);
                    sha.update(b, off, len);
                    size += len;
                }

                @Override
                public void close() {
                    // the entry ends with end(), the archive with close()
                }
            };
        }

        /** Ends the entry; returns its size and SHA-256 (hex). */
        Object[] end() throws IOException {
            zip.closeEntry();
            return new Object[] {size, HexFormat.of().formatHex(sha.digest())};
        }

        /** Writes the manifest and its checksum: the last entries. */
        void manifest(ObjectNode manifest) throws IOException {
            byte[] bytes = MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
            begin(MANIFEST).write(bytes);
            end();
            begin(MANIFEST_SUM).write((HexFormat.of().formatHex(sha256().digest(bytes)) + "\n").getBytes(StandardCharsets.US_ASCII));
            end();
        }

        @Override
        public void close() throws IOException {
            zip.close();
        }
    }

    /** What a verification found: the manifest when it is sound, otherwise the first problem, naming the entry. */
    record Verified(JsonNode manifest, String problem, String entry, long entries) {
        boolean ok() {
            return problem == null;
        }
    }

    /**
     * Reads the whole archive once: every entry's SHA-256 and line count, then checks them against the manifest (and
     * the manifest against its checksum). A flipped bit or a cut-off file is found and its entry named.
     */
    /** Opens the archive's plain bytes (decrypting them when it is encrypted). */
    interface Source {
        InputStream open() throws IOException;
    }

    static Verified verify(Source archive) {
        Map<String, long[]> lines = new LinkedHashMap<>();
        Map<String, String> sums = new LinkedHashMap<>();
        byte[] manifest = null;
        String manifestSum = null;
        String current = null;
        long n = 0;
        try (InputStream raw = archive.open(); ZipInputStream zip = new ZipInputStream(new java.io.BufferedInputStream(raw,
                1 << 16))) {
            byte[] buf = new byte[1 << 16];
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                current = e.getName();
                n++;
                MessageDigest sha = sha256();
                long count = 0;
                java.io.ByteArrayOutputStream keep = current.equals(MANIFEST) || current.equals(MANIFEST_SUM)
                        ? new java.io.ByteArrayOutputStream() : null;
                for (int r = zip.read(buf); r > 0; r = zip.read(buf)) {
                    sha.update(buf, 0, r);
                    for (int i = 0; i < r; i++) {
                        if (buf[i] == '\n') {
                            count++;
                        }
                    }
                    if (keep != null) {
                        keep.write(buf, 0, r);
                    }
                }
                sums.put(current, HexFormat.of().formatHex(sha.digest()));
                lines.put(current, new long[] {count});
                if (current.equals(MANIFEST)) {
                    manifest = keep.toByteArray();
                } else if (current.equals(MANIFEST_SUM)) {
                    manifestSum = keep.toString(StandardCharsets.US_ASCII).strip();
                }
                current = null;
            }
        } catch (EOFException e) {
            return new Verified(null, current == null ? "the archive is cut short" : "the archive is cut short inside " + current
                    + " (truncated)", current, n);
        } catch (ZipException e) {
            return new Verified(null, (current == null ? "the archive is damaged" : current + " is damaged") + " (" + e.getMessage()
                    + ")", current, n);
        } catch (Sealed.WrongKey e) {
            return new Verified(null, e.getMessage(), null, 0);
        } catch (IOException e) {
            return new Verified(null, "the archive cannot be read: " + e.getMessage(), current, n);
        }
        if (manifest == null || manifestSum == null) {
            String last = sums.isEmpty() ? null : (String) sums.keySet().toArray()[sums.size() - 1];
            return new Verified(null, "the archive has no " + (manifest == null ? MANIFEST : MANIFEST_SUM) + (last == null ? ""
                    : " (it ends after " + last + ")") + ": it is cut short, or not a HotCRM backup", last, n);
        }
        if (!HexFormat.of().formatHex(sha256().digest(manifest)).equals(manifestSum)) {
            return new Verified(null, MANIFEST + " does not match its checksum in " + MANIFEST_SUM, MANIFEST, n);
        }
        JsonNode m;
        try {
            m = MAPPER.readTree(manifest);
        } catch (IOException e) {
            return new Verified(null, MANIFEST + " is not readable: " + e.getMessage(), MANIFEST, n);
        }
        if (!FORMAT.equals(m.path("format").asText())) {
            return new Verified(null, "the archive's format is " + m.path("format").asText("unknown") + ", not " + FORMAT, MANIFEST, n);
        }
        for (JsonNode t : m.path("tables")) {
            String entry = t.path("entry").asText();
            String problem = !sums.containsKey(entry) ? "is missing"
                    : !sums.get(entry).equals(t.path("sha256").asText()) ? "does not match its SHA-256 in the manifest (changed or damaged)"
                    : lines.get(entry)[0] != t.path("rows").asLong() ? "holds " + lines.get(entry)[0] + " rows, the manifest says "
                    + t.path("rows").asLong() : null;
            if (problem != null) {
                return new Verified(null, entry + " " + problem, entry, n);
            }
        }
        for (JsonNode f : m.path("files")) {
            String entry = f.path("entry").asText();
            String problem = !sums.containsKey(entry) ? "is missing"
                    : !sums.get(entry).equals(f.path("sha256").asText()) ? "does not match its SHA-256 in the manifest (changed or damaged)"
                    : null;
            if (problem != null) {
                return new Verified(null, entry + " " + problem, entry, n);
            }
        }
        return new Verified(m, null, null, n);
    }

    /** Whether bytes are worth deflating: a fast trial on a sample of them saves at least a tenth. */
    static boolean compressible(byte[] sample, int length) {
        if (length < 1024) {
            return true;
        }
        Deflater d = new Deflater(Deflater.BEST_SPEED, true);
        try {
            d.setInput(sample, 0, length);
            d.finish();
            byte[] out = new byte[length + 64];
            int n = 0;
            while (!d.finished() && n < out.length) {
                n += d.deflate(out, n, out.length - n);
            }
            return n < length * 0.9;
        } finally {
            d.end();
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

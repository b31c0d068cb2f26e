package io.hotcrm.migration.salesforce;

import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The ZIP files of one Salesforce Data Export (Setup → Data Export: {@code WE_<OrgId>_1.ZIP}, {@code _2}, …), read
 * as one: a CSV per object at the root ({@code Account.csv}; an object split over parts is read from each in
 * turn), and the bytes of attachments, documents and files in their folders ({@code Attachments/<Id>},
 * {@code Documents/<Id>}, {@code ContentVersion/<Id>}). The CSVs are in the encoding the admin chose at export:
 * given, or found out (UTF-8 unless its bytes are not, then ISO-8859-1, as Salesforce writes it).
 */
final class ExportArchive implements AutoCloseable {
    private final List<ZipFile> zips = new ArrayList<>();
    private final Map<String, List<Part>> csvs = new LinkedHashMap<>();
    private final Map<String, Part> binaries = new LinkedHashMap<>();
    private final Map<String, Charset> charsets = new java.util.concurrent.ConcurrentHashMap<>();
    private final Charset given;
    private final List<AutoCloseable> held;
    private final String orgId;

    private record Part(ZipFile zip, ZipEntry entry) {
    }

    /**
     * @param files the export's ZIP parts, as local files
     * @param names what they were called (the org id is read from {@code WE_<OrgId>_<n>.ZIP})
     * @param encoding the CSVs' encoding, or null to find it out
     * @param held what to close with the archive (the files' local copies)
     */
    ExportArchive(List<Path> files, List<String> names, Charset encoding, List<? extends AutoCloseable> held) {
        this.given = encoding;
        this.held = List.copyOf(held);
        String org = null;
        try {
            for (int i = 0; i < files.size(); i++) {
                ZipFile zip = new ZipFile(files.get(i).toFile());
                zips.add(zip);
                java.util.Enumeration<? extends ZipEntry> entries = zip.entries();
                while (entries.hasMoreElements()) {
                    ZipEntry e = entries.nextElement();
                    String name = e.getName().replace('\\', '/');
                    if (e.isDirectory()) {
                        continue;
                    }
                    int slash = name.indexOf('/');
                    if (slash < 0 && name.toLowerCase(Locale.ROOT).endsWith(".csv")) {
                        csvs.computeIfAbsent(name.substring(0, name.length() - 4), k -> new ArrayList<>()).add(new Part(zip, e));
                    } else if (slash > 0) {
                        binaries.put(name, new Part(zip, e));
                    }
                }
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)^W[EM]_([0-9A-Za-z]{15,18})_\\d+\\.zip$")
                        .matcher(names.get(i));
                if (m.matches()) {
                    org = m.group(1);
                }
            }
        } catch (java.util.zip.ZipException e) {
            close();
            throw HotCrmException.invalid("A file of the Data Export is not a ZIP file (" + e.getMessage() + "): give the"
                    + " files Salesforce's Data Export page offers (WE_<org id>_1.ZIP, …).");
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        }
        if (csvs.isEmpty()) {
            close();
            throw HotCrmException.invalid("The Data Export holds no object CSV at the top of its ZIP files (Account.csv,"
                    + " Contact.csv, …): give every ZIP file of the export.");
        }
        this.orgId = org;
    }

    /** The org id the files are named after, or null. */
    String orgId() {
        return orgId;
    }

    /** The objects the export has a CSV for, by API name. */
    List<String> objects() {
        return new ArrayList<>(csvs.keySet());
    }

    boolean has(String object) {
        return csvs.containsKey(object);
    }

    /** How many ZIP parts hold a CSV of the object (each part's CSV has its own header). */
    int parts(String object) {
        List<Part> parts = csvs.get(object);
        if (parts == null) {
            throw HotCrmException.notFound("The Data Export has no " + object + ".csv.");
        }
        return parts.size();
    }

    /** The object's CSV in its {@code part}-th ZIP part, read in {@code charset} (the export's: {@link #charset}). */
    java.io.Reader csv(String object, int part, Charset charset) {
        parts(object);
        return new java.io.InputStreamReader(open(csvs.get(object).get(part)), charset);
    }

    /** The bytes of a record's attachment, document or file ({@code folder}/{@code id}), or null when not exported. */
    InputStream binary(String folder, String id) {
        Part p = binaries.get(folder + "/" + id);
        return p == null ? null : open(p);
    }

    /** The object's CSV encoding: the one given, or found out (strict UTF-8 over every byte, else ISO-8859-1). */
    Charset charset(String object) {
        parts(object);
        if (given != null) {
            return given;
        }
        return charsets.computeIfAbsent(object, o -> {
            CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            for (Part p : csvs.get(o)) {
                try (InputStream in = open(p)) {
                    byte[] buf = new byte[1 << 16];
                    ByteBuffer pending = ByteBuffer.allocate(0);
                    CharBuffer out = CharBuffer.allocate(1 << 16);
                    for (int n; (n = in.read(buf)) > 0; ) {
                        ByteBuffer bb = ByteBuffer.allocate(pending.remaining() + n);
                        bb.put(pending).put(buf, 0, n).flip();
                        out.clear();
                        if (utf8.decode(bb, out, false).isError()) {
                            return StandardCharsets.ISO_8859_1;
                        }
                        pending = bb.slice();
                    }
                    out.clear();
                    if (utf8.decode(pending, out, true).isError()) {
                        return StandardCharsets.ISO_8859_1;
                    }
                    utf8.reset();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return StandardCharsets.UTF_8;
        });
    }

    private static InputStream open(Part p) {
        try {
            return p.zip().getInputStream(p.entry());
        } catch (IOException e) {
            throw new HotCrmException(ErrorCode.UNAVAILABLE, "The Data Export's " + p.entry().getName() + " cannot be read from "
                    + p.zip().getName() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        List<AutoCloseable> all = new ArrayList<>(zips);
        if (held != null) {
            all.addAll(held);
        }
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception ignored) {
                // read-only: nothing is lost
            }
        }
    }

    /** A charset named at connect time: UTF-8 or ISO-8859-1 (and their aliases), or null for "find it out". */
    static Charset encoding(String name) {
        if (name == null || name.isBlank() || name.equalsIgnoreCase("auto")) {
            return null;
        }
        try {
            return Charset.forName(name.strip());
        } catch (RuntimeException e) {
            throw HotCrmException.invalid("\"" + name + "\" is not an encoding: give UTF-8 or ISO-8859-1 (what the Data Export"
                    + " page offered), or leave it out to have it found.");
        }
    }
}

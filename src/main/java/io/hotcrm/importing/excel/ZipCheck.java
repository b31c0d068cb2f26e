package io.hotcrm.importing.excel;

import io.hotcrm.common.HotCrmException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * One streaming pass over an .xlsx package before it is opened: refuses packages that expand far beyond
 * their size (zip bombs) or are damaged, and counts each worksheet's rows (for progress) while the bytes
 * go by. Memory stays bounded: only the small workbook parts are kept.
 */
final class ZipCheck {
    /** More than this many bytes out per byte in, past {@link #RATIO_FLOOR}, is treated as a zip bomb. */
    static final long MAX_RATIO = 100;
    static final long RATIO_FLOOR = 64L * 1024 * 1024;
    static final long MAX_TOTAL = 8L * 1024 * 1024 * 1024;
    private static final Pattern SHEET = Pattern.compile("<(?:\\w+:)?sheet\\b[^>]*>");
    private static final Pattern NAME = Pattern.compile("\\bname=\"([^\"]*)\"");
    private static final Pattern RID = Pattern.compile("\\br:id=\"([^\"]*)\"|\\b\\w+:id=\"([^\"]*)\"");
    private static final Pattern REL = Pattern.compile("<(?:\\w+:)?Relationship\\b[^>]*>");
    private static final Pattern REL_ID = Pattern.compile("\\bId=\"([^\"]*)\"");
    private static final Pattern REL_TARGET = Pattern.compile("\\bTarget=\"([^\"]*)\"");

    /** The first bytes of every XML part are searched for a document type declaration. */
    static final int PROLOG_BYTES = 4096;
    private static final byte[] DOCTYPE = "<!doctype".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ENTITY = "<!entity".getBytes(StandardCharsets.US_ASCII);

    private final Map<String, Long> rowsByEntry = new HashMap<>();
    private boolean styles;
    private String workbookXml = "";
    private String relsXml = "";

    static ZipCheck scan(Path file, String fileName) {
        ZipCheck z = new ZipCheck();
        long compressed;
        try {
            compressed = Math.max(1, Files.size(file));
        } catch (IOException e) {
            throw HotCrmException.invalid("Cannot read " + fileName + ": " + e.getMessage());
        }
        long total = 0;
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(file))) {
            ZipEntry e;
            byte[] buf = new byte[1 << 16];
            boolean any = false;
            while ((e = in.getNextEntry()) != null) {
                any = true;
                String name = e.getName();
                boolean sheet = name.startsWith("xl/worksheets/") && name.endsWith(".xml");
                boolean keep = name.equals("xl/workbook.xml") || name.equals("xl/_rels/workbook.xml.rels");
                ByteArrayOutputStream kept = keep ? new ByteArrayOutputStream() : null;
                RowCounter rows = sheet ? new RowCounter() : null;
                boolean xml = name.endsWith(".xml") || name.endsWith(".rels");
                ByteArrayOutputStream prolog = xml ? new ByteArrayOutputStream() : null;
                z.styles |= name.equals("xl/styles.xml");
                int n;
                while ((n = in.read(buf)) > 0) {
                    if (prolog != null && prolog.size() < PROLOG_BYTES) {
                        prolog.write(buf, 0, Math.min(n, PROLOG_BYTES - prolog.size()));
                        if (declaresTypes(prolog.toByteArray())) {
                            throw HotCrmException.invalid("The workbook " + fileName + " declares a document type in " + name
                                    + ", which Excel never writes and which can hide entity expansion or references to other"
                                    + " files; it was refused. Open it in Excel and save it again, or save the sheet as CSV.");
                        }
                    }
                    total += n;
                    if (total > MAX_TOTAL || (total > RATIO_FLOOR && total / compressed > MAX_RATIO)) {
                        throw HotCrmException.invalid("The workbook " + fileName + " expands to far more data than its size"
                                + " (over " + (total / compressed) + " times); it was refused as a possible zip bomb."
                                + " Save the sheet as CSV and import that instead.");
                    }
                    if (rows != null) {
                        rows.feed(buf, n);
                    }
                    if (kept != null && kept.size() < 16 * 1024 * 1024) {
                        kept.write(buf, 0, n);
                    }
                }
                if (rows != null) {
                    z.rowsByEntry.put(name, rows.rows);
                }
                if (name.equals("xl/workbook.xml")) {
                    z.workbookXml = kept.toString(StandardCharsets.UTF_8);
                } else if (kept != null) {
                    z.relsXml = kept.toString(StandardCharsets.UTF_8);
                }
            }
            if (!any) {
                throw damaged(fileName, "it holds no parts");
            }
        } catch (ZipException e) {
            throw damaged(fileName, e.getMessage());
        } catch (IOException e) {
            throw damaged(fileName, e.getMessage());
        }
        if (z.workbookXml.isEmpty()) {
            throw damaged(fileName, "it has no xl/workbook.xml, so it is not an Excel workbook");
        }
        return z;
    }

    /** Whether XML text declares a DTD or an entity (case-insensitive ASCII search). */
    static boolean declaresTypes(byte[] text) {
        return indexOf(text, DOCTYPE) >= 0 || indexOf(text, ENTITY) >= 0;
    }

    private static int indexOf(byte[] text, byte[] lowerNeedle) {
        outer:
        for (int i = 0; i + lowerNeedle.length <= text.length; i++) {
            for (int j = 0; j < lowerNeedle.length; j++) {
                int c = text[i + j];
                if (c >= 'A' && c <= 'Z') {
                    c += 'a' - 'A';
                }
                if (c != lowerNeedle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Whether the package has a styles part (cell formats); workbooks written by some tools do not. */
    boolean hasStyles() {
        return styles;
    }

    private static HotCrmException damaged(String fileName, String why) {
        return HotCrmException.invalid("The file " + fileName + " is not a readable .xlsx workbook (" + why + ")."
                + " Open it in Excel and save it again, or save the sheet as CSV.");
    }

    /** Rows of each sheet in workbook order (-1 where it cannot be told), by sheet name. */
    List<Long> rowsPerSheet() {
        Map<String, String> targets = new HashMap<>();
        Matcher rel = REL.matcher(relsXml);
        while (rel.find()) {
            Matcher id = REL_ID.matcher(rel.group());
            Matcher target = REL_TARGET.matcher(rel.group());
            if (id.find() && target.find()) {
                String t = target.group(1);
                t = t.startsWith("/") ? t.substring(1) : "xl/" + t;
                targets.put(id.group(1), t);
            }
        }
        List<Long> out = new ArrayList<>();
        Matcher sheet = SHEET.matcher(workbookXml);
        while (sheet.find()) {
            Matcher name = NAME.matcher(sheet.group());
            Matcher rid = RID.matcher(sheet.group());
            String entry = null;
            if (name.find() && rid.find()) {
                entry = targets.get(rid.group(1) != null ? rid.group(1) : rid.group(2));
            }
            out.add(entry == null ? -1L : rowsByEntry.getOrDefault(entry, -1L));
        }
        return out;
    }

    /** Counts {@code <row} start tags (with or without a namespace prefix) across buffer boundaries. */
    static final class RowCounter {
        private static final byte[] TAG = "row".getBytes(StandardCharsets.US_ASCII);
        long rows;
        private int state;

        void feed(byte[] b, int n) {
            for (int i = 0; i < n; i++) {
                byte c = b[i];
                if (state == 0) {
                    if (c == '<') {
                        state = 1;
                    }
                } else if (state >= 1 && state <= 3) {
                    if (c == TAG[state - 1]) {
                        state++;
                    } else if (state == 1 && (Character.isLetterOrDigit(c) || c == '_')) {
                        state = 10;
                    } else {
                        state = c == '<' ? 1 : 0;
                    }
                } else if (state == 4) {
                    if (c == ' ' || c == '>' || c == '/' || c == '\t' || c == '\n' || c == '\r') {
                        rows++;
                    }
                    state = c == '<' ? 1 : 0;
                } else if (state == 10) {
                    if (c == ':') {
                        state = 1;
                    } else if (!(Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.')) {
                        state = c == '<' ? 1 : 0;
                    }
                }
            }
        }
    }
}

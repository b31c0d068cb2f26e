package io.hotcrm.privacy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.siegmar.fastcsv.writer.CsvWriter;
import io.hotcrm.exporting.SpreadsheetSafe;
import io.hotcrm.files.FileStore;
import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.ObjectDef;
import io.hotcrm.privacy.Findings.Hit;
import io.hotcrm.security.Principal;
import io.hotcrm.store.RecordStore;
import io.hotcrm.store.Schema;
import io.hotcrm.store.StoredRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Hands a person their data (access, portability): one ZIP with, per object, a JSON and a CSV file of the records
 * found — the person's own records whole; of the records linked to them, their text about the person and the fields
 * that identify no one else (a logged email's sender when that is the person, never the other addresses) — the files,
 * and a {@code manifest.json} with the SHA-256 and size of every other entry. Records that only mention the person
 * (someone else's notes) are not handed over: they are someone else's data.
 */
final class HandOver {
    private final Schema schema;
    private final RecordStore records;
    private final FileStore files;

    HandOver(Schema schema, RecordStore records, FileStore files) {
        this.schema = schema;
        this.records = records;
        this.files = files;
    }

    /** Writes the ZIP; returns how many records and files it holds. */
    int[] write(Findings f, UUID request, String email, OutputStream out) {
        Principal system = Principal.system();
        Map<String, List<Map<String, Object>>> byObject = new LinkedHashMap<>();
        List<StoredRecord> fileRecords = new ArrayList<>();
        for (Hit h : f.subjects()) {
            StoredRecord r = records.get(system, h.object(), h.id());
            byObject.computeIfAbsent(h.object(), k -> new ArrayList<>()).add(values(schema.object(h.object()), r, null, email));
        }
        for (Hit h : f.linked()) {
            StoredRecord r = records.get(system, h.object(), h.id());
            byObject.computeIfAbsent(h.object(), k -> new ArrayList<>()).add(values(schema.object(h.object()), r, h, email));
            if (h.object().equals("file")) {
                fileRecords.add(r);
            }
        }
        Map<String, String[]> manifest = new LinkedHashMap<>();
        int n = 0;
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, List<Map<String, Object>>> e : byObject.entrySet()) {
                ObjectDef o = schema.object(e.getKey());
                entry(zip, manifest, e.getKey() + ".json", json(e.getValue()));
                entry(zip, manifest, e.getKey() + ".csv", csv(o, e.getValue()));
                n += e.getValue().size();
            }
            int stored = 0;
            for (StoredRecord r : fileRecords) {
                Object key = r.fields().get("storage_key");
                if (key != null && files.exists(key.toString())) {
                    try (InputStream in = files.open(key.toString())) {
                        String name = "files/" + r.id() + "-" + String.valueOf(r.fields().getOrDefault("name", "file"))
                                .replaceAll("[^A-Za-z0-9._-]", "_");
                        // streamed into the ZIP, its SHA-256 taken on the way: memory does not grow with the file
                        MessageDigest d = sha256();
                        zip.putNextEntry(new ZipEntry(name));
                        long size = in.transferTo(new java.security.DigestOutputStream(zip, d));
                        zip.closeEntry();
                        manifest.put(name, new String[] {HexFormat.of().formatHex(d.digest()), Long.toString(size)});
                        stored++;
                    }
                }
            }
            ObjectNode m = Certificates.JSON.createObjectNode();
            m.put("format", "hotcrm-privacy-handover/1").put("request", request.toString()).put("createdAt", Instant.now().toString())
                    .put("records", n).put("files", stored);
            ArrayNode entries = m.putArray("entries");
            manifest.forEach((name, v) -> entries.addObject().put("name", name).put("sha256", v[0]).put("bytes", Long.parseLong(v[1])));
            zip.putNextEntry(new ZipEntry("manifest.json"));
            zip.write(m.toPrettyString().getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            return new int[] {n, stored};
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A record's values to hand over: all of them for the person's own records; else what is not someone else's. */
    private static Map<String, Object> values(ObjectDef o, StoredRecord r, Hit linked, String email) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", r.id().toString());
        for (FieldDef f : o.fields()) {
            // of a linked record, what identifies someone (an address, a name, contact details) is theirs unless it
            // matched the person; its text (a case's description, a note's body) is about the person and handed over
            boolean someones = !f.personalData().isEmpty() && !Discovery.PERSON_LINK.equals(f.personalData())
                    && !Discovery.FREE_TEXT.equals(f.personalData());
            if (linked != null && someones && !linked.fields().contains(f.name())) {
                continue;
            }
            Object v = r.fields().get(f.name());
            if (linked != null && email != null && v != null && Discovery.CONTACT_INFO.equals(f.personalData())
                    && f.type() != io.hotcrm.metadata.FieldType.EMAIL) {
                // an address list that named the person: their address, not the others'
                v = email;
            }
            out.put(f.name(), v == null ? null : v.toString());
        }
        return out;
    }

    private static byte[] json(List<Map<String, Object>> rows) {
        try {
            return Certificates.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(rows);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] csv(ObjectDef o, List<Map<String, Object>> rows) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        List<String> header = new ArrayList<>();
        rows.forEach(r -> r.keySet().forEach(k -> {
            if (!header.contains(k)) {
                header.add(k);
            }
        }));
        try (OutputStreamWriter w = new OutputStreamWriter(b, StandardCharsets.UTF_8); CsvWriter csv = CsvWriter.builder().build(w)) {
            csv.writeRecord(header);
            for (Map<String, Object> r : rows) {
                List<String> line = new ArrayList<>();
                // a text a spreadsheet would run as a formula is written as text, as exports do
                header.forEach(k -> {
                    Object v = r.get(k);
                    String s = v == null ? "" : v.toString();
                    line.add(SpreadsheetSafe.cell(o.field(k).map(FieldDef::type).orElse(null), s));
                });
                csv.writeRecord(line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b.toByteArray();
    }

    private static void entry(ZipOutputStream zip, Map<String, String[]> manifest, String name, byte[] bytes) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(bytes);
        zip.closeEntry();
        manifest.put(name, new String[] {HexFormat.of().formatHex(sha256().digest(bytes)), Long.toString(bytes.length)});
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

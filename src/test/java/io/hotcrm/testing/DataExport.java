package io.hotcrm.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The fake org as Salesforce's weekly Data Export writes it (written from the spec, `reference/crm-apis.md` A7: no
 * real export was recorded): {@code WE_<OrgId>_1.ZIP}, {@code _2.ZIP}, each object's live records in
 * {@code <Object>.csv} at the root — API names as headers, every value quoted, {@code ""} for null, date-times in UTC
 * with milliseconds, line breaks kept inside quotes — split over the parts, and the bytes of attachments and files
 * in {@code Attachments/<Id>} and {@code ContentVersion/<Id>}; in the encoding the admin chose.
 */
public final class DataExport {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    /** The objects an export holds (the org's data; the Data Export page offers every object). */
    public static final List<String> OBJECTS = List.of("User", "Product2", "Pricebook2", "PricebookEntry", "Account", "Contact", "Lead",
            "Campaign", "Opportunity", "OpportunityLineItem", "Quote", "QuoteLineItem", "CampaignMember", "Contract", "Case", "Task",
            "Event", "Note", "Attachment", "ContentVersion", "ContentDocumentLink", "Organization");

    private DataExport() {
    }

    /** Writes the export into {@code dir} as {@code parts} ZIP files; returns them in order. */
    public static List<Path> write(FakeSalesforce sf, Path dir, Charset charset, int parts) throws IOException {
        List<Path> files = new ArrayList<>();
        List<ZipOutputStream> zips = new ArrayList<>();
        String org = (String) sf.records("Organization").get(0).get("Id");
        try {
            for (int i = 1; i <= parts; i++) {
                Path f = dir.resolve("WE_" + org + "_" + i + ".ZIP");
                files.add(f);
                zips.add(new ZipOutputStream(Files.newOutputStream(f)));
            }
            for (int o = 0; o < OBJECTS.size(); o++) {
                String object = OBJECTS.get(o);
                List<Map<String, Object>> rows = sf.live(object);
                ZipOutputStream zip = zips.get(o % parts);
                zip.putNextEntry(new ZipEntry(object + ".csv"));
                zip.write(csv(rows, charset));
                zip.closeEntry();
                for (Map<String, Object> r : rows) {
                    for (Map.Entry<String, Object> e : r.entrySet()) {
                        if (e.getValue() instanceof byte[] bytes) {
                            ZipOutputStream binaries = zips.get(parts - 1);
                            binaries.putNextEntry(new ZipEntry((object.equals("Attachment") ? "Attachments" : object) + "/" + r.get("Id")));
                            binaries.write(bytes);
                            binaries.closeEntry();
                        }
                    }
                }
            }
        } finally {
            for (OutputStream z : zips) {
                z.close();
            }
        }
        return files;
    }

    private static byte[] csv(List<Map<String, Object>> rows, Charset charset) {
        Set<String> columns = new LinkedHashSet<>();
        columns.add("Id");
        for (Map<String, Object> r : rows) {
            r.forEach((k, v) -> {
                if (!k.startsWith("@") && !(v instanceof byte[])) {
                    columns.add(k);
                }
            });
        }
        StringBuilder out = new StringBuilder();
        out.append(String.join(",", columns.stream().map(c -> "\"" + c + "\"").toList())).append('\n');
        for (Map<String, Object> r : rows) {
            List<String> values = new ArrayList<>();
            for (String c : columns) {
                values.add("\"" + text(r.get(c)).replace("\"", "\"\"") + "\"");
            }
            out.append(String.join(",", values)).append('\n');
        }
        return out.toString().getBytes(charset);
    }

    private static String text(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Instant t) {
            return TIME.format(t);
        }
        if (v instanceof BigDecimal d) {
            return d.toPlainString();
        }
        return v.toString();
    }
}

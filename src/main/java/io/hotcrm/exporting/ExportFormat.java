package io.hotcrm.exporting;

import io.hotcrm.common.HotCrmException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The file formats an export writes. */
public enum ExportFormat {
    CSV("csv", "text/csv; charset=utf-8"),
    XLSX("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    JSONL("jsonl", "application/x-ndjson"),
    PARQUET("parquet", "application/vnd.apache.parquet");

    private final String extension;
    private final String contentType;

    ExportFormat(String extension, String contentType) {
        this.extension = extension;
        this.contentType = contentType;
    }

    public String extension() {
        return extension;
    }

    public String contentType() {
        return contentType;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ExportFormat parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (ExportFormat f : values()) {
            if (f.wireName().equals(t) || f.extension.equals(t) || (f == JSONL && (t.equals("json") || t.equals("ndjson")))
                    || (f == XLSX && (t.equals("excel")))) {
                return f;
            }
        }
        throw HotCrmException.invalid("Unknown export format \"" + text + "\". Use "
                + Arrays.stream(values()).map(ExportFormat::wireName).collect(Collectors.joining(", ")) + ".");
    }
}

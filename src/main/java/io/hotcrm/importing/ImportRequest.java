package io.hotcrm.importing;

import io.hotcrm.mapping.Formats;
import io.hotcrm.mapping.Mapping;
import java.nio.file.Path;

/**
 * What to import and how. {@code mapping} null means: the saved mapping {@code mappingName} if given, else
 * the suggested mapping (confidently matched columns only). {@code matchField} null means: external_id when
 * the file has it, else id, else email. {@code formats} (nullable) overrides some of the mapping's value formats.
 * {@code blanksClear}: a blank cell clears the field of a matched record (by default blanks keep the value).
 */
public record ImportRequest(String object, ImportMode mode, String matchField, Mapping mapping, String mappingName,
                            String saveMappingAs, SourceOptions source, Formats.Overrides formats, boolean dryRun,
                            boolean blanksClear, ImportFile file) {
    public ImportRequest {
        mode = mode == null ? ImportMode.UPSERT : mode;
        source = source == null ? SourceOptions.DETECT : source;
        java.util.Objects.requireNonNull(file, "file");
    }

    /** A plain request: the file (on this machine), the object, upsert with the suggested mapping. */
    public static ImportRequest of(Path file, String object) {
        return new ImportRequest(object, ImportMode.UPSERT, null, null, null, null, SourceOptions.DETECT, null, false, false,
                ImportFile.local(file));
    }

    /** The file's name, as the user knows it. */
    public String fileName() {
        return file.name();
    }

    public ImportRequest withMode(ImportMode m) {
        return new ImportRequest(object, m, matchField, mapping, mappingName, saveMappingAs, source, formats, dryRun,
                blanksClear, file);
    }

    public ImportRequest withMatch(String field) {
        return new ImportRequest(object, mode, field, mapping, mappingName, saveMappingAs, source, formats, dryRun,
                blanksClear, file);
    }

    public ImportRequest withMapping(Mapping m) {
        return new ImportRequest(object, mode, matchField, m, mappingName, saveMappingAs, source, formats, dryRun,
                blanksClear, file);
    }

    public ImportRequest withDryRun(boolean d) {
        return new ImportRequest(object, mode, matchField, mapping, mappingName, saveMappingAs, source, formats, d,
                blanksClear, file);
    }

    public ImportRequest withFormats(Formats.Overrides f) {
        return new ImportRequest(object, mode, matchField, mapping, mappingName, saveMappingAs, source, f, dryRun,
                blanksClear, file);
    }

    public ImportRequest withSource(SourceOptions s) {
        return new ImportRequest(object, mode, matchField, mapping, mappingName, saveMappingAs, s,
                formats, dryRun, blanksClear, file);
    }
}

package io.hotcrm.importing;

import io.hotcrm.mapping.Formats;
import io.hotcrm.mapping.Mapping;
import java.nio.file.Path;

/**
 * What to import and how, built once by an edge ({@link #builder}) and handed to {@link Importer}.
 * {@code mapping} null means: the saved mapping {@code mappingName} if given, else the suggested mapping
 * (confidently matched columns only). {@code matchField} null means: external_id when the file has it, else id,
 * else email. {@code formats} (nullable) overrides some of the mapping's value formats. {@code blanksClear}: a
 * blank cell clears the field of a matched record (by default blanks keep the value). {@code migration}: the
 * import loads data from another system and may keep its created dates and creators ({@code created_at},
 * {@code created_by}) and fill read-only fields — only for roles allowed to migrate data.
 * {@code expected}: for a dry-run that is one step of several (a migration), records that earlier steps would
 * create — per object, an upload listing their keys (external ids; emails for users), one per line — count as
 * found by lookups, so the dry-run does not fail rows for references a real run would resolve. {@code partOf}: the
 * larger piece of work this import is a step of (a migration run), shown with it; its user hears of that work once,
 * not of each import.
 */
public record ImportRequest(String object, ImportMode mode, String matchField, Mapping mapping, String mappingName,
                            String saveMappingAs, SourceOptions source, Formats.Overrides formats, boolean dryRun,
                            boolean blanksClear, ImportFile file, boolean migration, java.util.Map<String, java.util.UUID> expected,
                            String partOf) {
    public ImportRequest {
        expected = expected == null ? java.util.Map.of() : java.util.Map.copyOf(expected);
        mode = mode == null ? ImportMode.UPSERT : mode;
        source = source == null ? SourceOptions.DETECT : source;
        java.util.Objects.requireNonNull(file, "file");
        java.util.Objects.requireNonNull(object, "object");
    }

    /** A plain request: the file (on this machine), the object, upsert with the suggested mapping. */
    public static ImportRequest of(Path file, String object) {
        return builder(object, ImportFile.local(file)).build();
    }

    /** A request for the object from the file, upsert with the suggested mapping unless told otherwise. */
    public static Builder builder(String object, ImportFile file) {
        return new Builder(object, file);
    }

    /** The file's name, as the user knows it. */
    public String fileName() {
        return file.name();
    }

    public Builder toBuilder() {
        return new Builder(object, file).mode(mode).match(matchField).mapping(mapping).mappingName(mappingName)
                .saveMappingAs(saveMappingAs).source(source).formats(formats).dryRun(dryRun).blanksClear(blanksClear)
                .migration(migration).expected(expected).partOf(partOf);
    }

    public ImportRequest withMode(ImportMode m) {
        return toBuilder().mode(m).build();
    }

    public ImportRequest withMatch(String field) {
        return toBuilder().match(field).build();
    }

    public ImportRequest withMapping(Mapping m) {
        return toBuilder().mapping(m).build();
    }

    public ImportRequest withDryRun(boolean d) {
        return toBuilder().dryRun(d).build();
    }

    public ImportRequest withFormats(Formats.Overrides f) {
        return toBuilder().formats(f).build();
    }

    public ImportRequest withSource(SourceOptions s) {
        return toBuilder().source(s).build();
    }

    /** Builds a request step by step; every setting but the object and the file is optional. */
    public static final class Builder {
        private final String object;
        private final ImportFile file;
        private ImportMode mode = ImportMode.UPSERT;
        private String matchField;
        private Mapping mapping;
        private String mappingName;
        private String saveMappingAs;
        private SourceOptions source = SourceOptions.DETECT;
        private Formats.Overrides formats;
        private boolean dryRun;
        private boolean blanksClear;
        private boolean migration;
        private java.util.Map<String, java.util.UUID> expected = java.util.Map.of();
        private String partOf;

        private Builder(String object, ImportFile file) {
            this.object = object;
            this.file = file;
        }

        public Builder mode(ImportMode m) {
            this.mode = m;
            return this;
        }

        public Builder match(String field) {
            this.matchField = field;
            return this;
        }

        public Builder mapping(Mapping m) {
            this.mapping = m;
            return this;
        }

        public Builder mappingName(String name) {
            this.mappingName = name;
            return this;
        }

        public Builder saveMappingAs(String name) {
            this.saveMappingAs = name;
            return this;
        }

        public Builder source(SourceOptions s) {
            this.source = s;
            return this;
        }

        public Builder formats(Formats.Overrides f) {
            this.formats = f;
            return this;
        }

        public Builder dryRun(boolean d) {
            this.dryRun = d;
            return this;
        }

        public Builder blanksClear(boolean b) {
            this.blanksClear = b;
            return this;
        }

        public Builder migration(boolean m) {
            this.migration = m;
            return this;
        }

        /** Records earlier steps would create, for a dry-run's lookups: object → upload of their keys, one per line. */
        public Builder expected(java.util.Map<String, java.util.UUID> e) {
            this.expected = e == null ? java.util.Map.of() : e;
            return this;
        }

        /** The larger work this import is a step of (a migration run): its user is told of that, not of this import. */
        public Builder partOf(String what) {
            this.partOf = what;
            return this;
        }

        public ImportRequest build() {
            return new ImportRequest(object, mode, matchField, mapping, mappingName, saveMappingAs, source, formats, dryRun,
                    blanksClear, file, migration, expected, partOf);
        }
    }
}

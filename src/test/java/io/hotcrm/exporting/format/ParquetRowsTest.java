package io.hotcrm.exporting.format;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotcrm.exporting.ExportColumn;
import io.hotcrm.exporting.ExportFormat;
import io.hotcrm.exporting.ExportOptions;
import io.hotcrm.exporting.RowWriter;
import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.FieldType;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HotCRM's own Parquet pages and footer, read back by two independent readers (DuckDB and parquet-java): every value of
 * every type, nulls in runs and alternating, empty and long lists, non-ASCII text, across many pages and row groups,
 * with dictionaries that pay, fill up mid-chunk, or do not pay from the first page; and the footer's statistics.
 */
class ParquetRowsTest {
    private static final String[] LEVELS = {"C-Level", "VP", "Director", "Manager", "Other"};
    private static final String[] TAGS = {"Cloud", "Security", "Analytics", "AI", "Mobile", "IoT"};

    @TempDir
    Path dir;

    private static FieldDef field(String name, FieldType type, boolean unique) {
        return new FieldDef(name, name, type, false, unique, 0, type.isNumeric() ? 2 : 0, null, null, type.isReference() ? "contact" : null,
                type == FieldType.PICKLIST || type == FieldType.MULTI_PICKLIST ? picklist() : List.of(), null,
                false, false, "");
    }

    private static List<io.hotcrm.metadata.PicklistValue> picklist() {
        return java.util.stream.Stream.concat(Arrays.stream(LEVELS), Arrays.stream(TAGS))
                .map(v -> new io.hotcrm.metadata.PicklistValue(v, v, List.of())).toList();
    }

    private static final List<ExportColumn> COLUMNS = List.of(
            new ExportColumn("id", field("id", FieldType.LOOKUP, false)),
            new ExportColumn("level", field("level", FieldType.PICKLIST, false)),
            new ExportColumn("city", field("city", FieldType.TEXT, false)),
            new ExportColumn("account_id_name", field("name", FieldType.TEXT, false)),
            new ExportColumn("code", field("code", FieldType.TEXT, false)),
            new ExportColumn("amount", field("amount", FieldType.CURRENCY, false)),
            new ExportColumn("birthdate", field("birthdate", FieldType.DATE, false)),
            new ExportColumn("seen_at", field("seen_at", FieldType.DATETIME, false)),
            new ExportColumn("vip", field("vip", FieldType.BOOLEAN, false)),
            new ExportColumn("interests", field("interests", FieldType.MULTI_PICKLIST, false)),
            new ExportColumn("notes", field("notes", FieldType.TEXTAREA, false)));

    /** Rows with every kind of value and null pattern the encoder has a path for. */
    private static List<Object[]> rows(int n) {
        Random r = new Random(17);
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Object[] v = new Object[COLUMNS.size()];
            // record ids: uuids in ascending order, every hex digit, the high bit set (toString's unsigned digits)
            v[0] = new java.util.UUID(Long.MIN_VALUE + (long) i * (1L << 40) + (r.nextLong() & ((1L << 40) - 1)), r.nextLong());
            v[1] = i % 97 < 40 ? null : LEVELS[r.nextInt(LEVELS.length)]; // runs of nulls and values
            v[2] = i % 2 == 0 ? null : "Zürich " + r.nextInt(30); // alternating nulls; non-ASCII; a small dictionary
            v[3] = "Account " + (i / 3); // a lookup's column: repeats, then the dictionary fills up mid-chunk
            v[4] = "code-" + r.nextLong(); // dictionary tried, does not pay from the first page
            v[5] = i % 5 == 0 ? null : BigDecimal.valueOf(r.nextInt(2_000_000) - 1_000_000, 2);
            v[6] = i % 7 == 0 ? null : LocalDate.of(1950, 1, 1).plusDays(r.nextInt(25_000));
            v[7] = i % 11 == 0 ? null : OffsetDateTime.of(2020, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC)
                    .plusNanos((long) r.nextInt(1_000_000_000) * 1_000_000_000L / 7 / 1000 * 1000);
            v[8] = i % 3 == 0 ? null : r.nextBoolean();
            v[9] = switch (i % 6) {
                case 0 -> null;
                case 1 -> List.of();
                case 2 -> List.of(TAGS[r.nextInt(TAGS.length)]);
                default -> {
                    List<String> l = new ArrayList<>();
                    for (int k = 0, m = 2 + r.nextInt(12); k < m; k++) {
                        l.add(TAGS[r.nextInt(TAGS.length)]);
                    }
                    // as read from the database: the stored text, split when asked
                    yield i % 12 == 3 ? io.hotcrm.common.Picks.of(";" + String.join(";", l)) : l;
                }
            };
            v[10] = i % 13 == 0 ? null : i % 501 == 0 ? "x".repeat(3000) + i : "Notiz № " + i + " — " + "ä".repeat(r.nextInt(40));
            rows.add(v);
        }
        return rows;
    }

    private Path write(List<Object[]> rows, ParquetRows.Limits limits) throws Exception {
        Path file = dir.resolve("rows-" + rows.size() + ".parquet");
        try (OutputStream out = Files.newOutputStream(file)) {
            RowWriter w = new ParquetRows("HotCRM version 0.1.0", limits).open(out, "Rows", COLUMNS, ExportOptions.of(ExportFormat.PARQUET));
            for (Object[] v : rows) {
                w.row(v);
            }
            w.finish();
        }
        return file;
    }

    @Test
    void duckDbAndParquetJavaReadBackEveryValueAcrossPagesAndRowGroups() throws Exception {
        List<Object[]> rows = rows(6_000);
        Path file = write(rows, new ParquetRows.Limits(96 * 1024, 4 * 1024, 300, 2 * 1024));
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("select id, level, city, account_id_name, code, amount, birthdate, epoch_us(seen_at),"
                    + " vip, interests, notes from read_parquet('" + file + "') order by id")) {
                int i = 0;
                while (rs.next()) {
                    Object[] v = rows.get(i);
                    for (int col = 0; col < 5; col++) {
                        assertThat(rs.getString(col + 1)).as("row %d column %s", i, COLUMNS.get(col).name())
                                .isEqualTo(Objects.toString(v[col], null));
                    }
                    assertThat(rs.getBigDecimal(6)).as("row %d amount", i).isEqualTo(v[5]);
                    assertThat(rs.getObject(7, LocalDate.class)).as("row %d birthdate", i).isEqualTo(v[6]);
                    assertThat(rs.getObject(8)).as("row %d seen_at", i).isEqualTo(v[7] == null ? null : micros((OffsetDateTime) v[7]));
                    assertThat(rs.getObject(9)).as("row %d vip", i).isEqualTo(v[8]);
                    Array a = rs.getArray(10);
                    assertThat(a == null ? null : Arrays.asList((Object[]) a.getArray())).as("row %d interests", i).isEqualTo(v[9]);
                    assertThat(rs.getString(11)).as("row %d notes", i).isEqualTo(v[10]);
                    i++;
                }
                assertThat(i).isEqualTo(rows.size());
            }
            Map<String, Set<String>> encodings = new HashMap<>();
            int groups = 0;
            try (ResultSet rs = st.executeQuery("select row_group_id, path_in_schema, stats_min_value, stats_max_value, stats_null_count,"
                    + " encodings from parquet_metadata('" + file + "') order by row_group_id, column_id")) {
                long groupStart = 0;
                int lastGroup = -1;
                while (rs.next()) {
                    int group = rs.getInt(1);
                    if (group != lastGroup) {
                        groupStart += lastGroup < 0 ? 0 : rowsIn(st, file, lastGroup);
                        lastGroup = group;
                        groups++;
                    }
                    String path = rs.getString(2);
                    String column = path.split(",")[0].trim();
                    int col = COLUMNS.stream().map(ExportColumn::name).toList().indexOf(column);
                    List<Object[]> slice = rows.subList((int) groupStart, (int) (groupStart + rowsIn(st, file, group)));
                    Expected e = expected(slice, col);
                    assertThat(rs.getLong(5)).as("nulls of %s in row group %d", column, group).isEqualTo(e.nulls);
                    if (col != 10 || e.max.length() <= 1024) {
                        assertThat(rs.getString(3)).as("min of %s in row group %d", column, group).isEqualTo(e.min);
                        assertThat(rs.getString(4)).as("max of %s in row group %d", column, group).isEqualTo(e.max);
                    } else {
                        assertThat(rs.getString(3)).as("a 3,000-character maximum is left out").isNull();
                    }
                    encodings.computeIfAbsent(column, k -> new TreeSet<>()).add(rs.getString(6));
                }
            }
            assertThat(groups).as("row groups").isGreaterThan(3);
            assertThat(encodings.get("level")).allMatch(s -> s.contains("RLE_DICTIONARY"));
            assertThat(encodings.get("id")).allMatch(s -> !s.contains("DICTIONARY"));
            assertThat(encodings.get("code")).as("a dictionary that does not pay is dropped").allMatch(s -> !s.contains("DICTIONARY"));
        }
        assertThat(pageEncodings(file, "account_id_name")).as("a dictionary that fills up mid-chunk, then plain pages")
                .anyMatch(s -> s.contains(Encoding.RLE_DICTIONARY) && s.contains(Encoding.PLAIN));
        assertThat(pageEncodings(file, "level")).allMatch(s -> s.equals(Set.of(Encoding.RLE_DICTIONARY)));

        // parquet-java's reader (what HotCRM's own held-files search uses)
        try (ParquetReader<Group> reader = new ParquetReader.Builder<Group>(new LocalInputFile(file), new PlainParquetConfiguration()) {
            @Override
            protected ReadSupport<Group> getReadSupport() {
                return new GroupReadSupport();
            }
        }.build()) {
            int i = 0;
            for (Group g = reader.read(); g != null; g = reader.read(), i++) {
                Object[] v = rows.get(i);
                assertThat(g.getString("id", 0)).isEqualTo(v[0].toString());
                assertThat(g.getFieldRepetitionCount("level")).isEqualTo(v[1] == null ? 0 : 1);
                if (v[3] != null) {
                    assertThat(g.getString("account_id_name", 0)).isEqualTo(v[3]);
                }
                if (v[5] != null) {
                    assertThat(g.getLong("amount", 0)).isEqualTo(((BigDecimal) v[5]).unscaledValue().longValueExact());
                }
                if (v[8] != null) {
                    assertThat(g.getBoolean("vip", 0)).isEqualTo(v[8]);
                }
                List<?> tags = (List<?>) v[9];
                assertThat(g.getFieldRepetitionCount("interests")).isEqualTo(tags == null ? 0 : 1);
                if (tags != null) {
                    Group list = g.getGroup("interests", 0);
                    assertThat(list.getFieldRepetitionCount("list")).isEqualTo(tags.size());
                    for (int k = 0; k < tags.size(); k++) {
                        assertThat(list.getGroup("list", k).getString("element", 0)).isEqualTo(tags.get(k));
                    }
                }
            }
            assertThat(i).isEqualTo(rows.size());
        }
    }

    @Test
    void anEmptyExportIsAValidFileWithItsColumns() throws Exception {
        Path file = write(List.of(), ParquetRows.LIMITS);
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("select count(*) from read_parquet('" + file + "')")) {
                rs.next();
                assertThat(rs.getLong(1)).isZero();
            }
            List<String> types = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("describe select * from read_parquet('" + file + "')")) {
                while (rs.next()) {
                    types.add(rs.getString("column_name") + " " + rs.getString("column_type"));
                }
            }
            assertThat(types).containsExactly("id VARCHAR", "level VARCHAR", "city VARCHAR", "account_id_name VARCHAR",
                    "code VARCHAR", "amount DECIMAL(18,2)", "birthdate DATE", "seen_at TIMESTAMP WITH TIME ZONE", "vip BOOLEAN",
                    "interests VARCHAR[]", "notes VARCHAR");
        }
    }

    /** The value encodings of each row group's data pages of a column. */
    private static List<Set<Encoding>> pageEncodings(Path file, String column) throws Exception {
        List<Set<Encoding>> groups = new ArrayList<>();
        try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(file))) {
            ColumnDescriptor d = r.getFileMetaData().getSchema().getColumnDescription(new String[] {column});
            for (PageReadStore g = r.readNextRowGroup(); g != null; g = r.readNextRowGroup()) {
                Set<Encoding> seen = new TreeSet<>();
                PageReader pages = g.getPageReader(d);
                for (DataPage p = pages.readPage(); p != null; p = pages.readPage()) {
                    seen.add(((DataPageV1) p).getValueEncoding());
                }
                groups.add(seen);
            }
        }
        return groups;
    }

    private static long micros(OffsetDateTime t) {
        return t.toEpochSecond() * 1_000_000L + t.getNano() / 1000;
    }

    private static long rowsIn(Statement st, Path file, int group) throws Exception {
        try (ResultSet rs = st.getConnection().createStatement().executeQuery("select row_group_num_rows from parquet_metadata('"
                + file + "') where row_group_id = " + group + " limit 1")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private record Expected(long nulls, String min, String max) {
    }

    /** A column's null count, minimum and maximum over some rows, as DuckDB shows a footer's statistics. */
    @SuppressWarnings("unchecked")
    private static Expected expected(List<Object[]> rows, int col) {
        long nulls = 0;
        List<Object> present = new ArrayList<>();
        for (Object[] v : rows) {
            Object x = v[col];
            if (x instanceof List<?> l) {
                if (l.isEmpty()) {
                    nulls++;
                }
                present.addAll(l);
            } else if (x == null) {
                nulls++;
            } else {
                present.add(x);
            }
        }
        if (present.isEmpty()) {
            return new Expected(nulls, null, null);
        }
        Comparator<Object> order = present.get(0) instanceof String
                ? Comparator.comparing(o -> ((String) o).getBytes(StandardCharsets.UTF_8), Arrays::compareUnsigned)
                : (a, b) -> ((Comparable<Object>) a).compareTo(b);
        Object min = present.stream().min(order).orElseThrow();
        Object max = present.stream().max(order).orElseThrow();
        return new Expected(nulls, shown(min), shown(max));
    }

    private static String shown(Object v) {
        if (v instanceof OffsetDateTime t) {
            return Objects.toString(t.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime()).replace('T', ' ') + "+00";
        }
        return v.toString();
    }
}

package io.hotcrm.backup;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.hotcrm.store.Dialect;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The tables of a database in a form either database reads: each row a JSON array of its values in a neutral
 * spelling (ids and times as text in one form, decimals without trailing zeros, bytes in base64), the same whichever
 * database wrote it — so a table's content hash (the sum of its rows' SHA-256, whatever their order) is equal on H2
 * and PostgreSQL when their rows are.
 */
final class Tables {
    /** Rows are read from ZIP entries whose bytes are then checked to their end: the parser leaves the stream open. */
    static final JsonFactory JSON = JsonFactory.builder().disable(com.fasterxml.jackson.core.StreamReadFeature.AUTO_CLOSE_SOURCE).build();
    /** Not backed up: each database keeps its own migration history. */
    static final String HISTORY = "hc_schema_history";

    private Tables() {
    }

    /** A column: its name, neutral type, and whether the database numbers it (an identity). */
    record Column(String name, String type, boolean identity) {
    }

    /** A table and its columns. */
    record Table(String name, List<Column> columns) {
    }

    /** The tables of the connection's schema, each after the tables it refers to (so loading them in order works). */
    static List<Table> list(Connection c) throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        String schema = c.getSchema();
        Map<String, Table> byName = new LinkedHashMap<>();
        try (ResultSet rs = md.getTables(null, schema, "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                String name = rs.getString("TABLE_NAME").toLowerCase(Locale.ROOT);
                // HotCRM's own tables only: the job runner's queue (jobrunr_*) is rebuilt by a running node
                if (!name.equals(HISTORY) && (name.startsWith("hc_") || name.startsWith("obj_"))) {
                    byName.put(name, null);
                }
            }
        }
        List<String> names = new ArrayList<>(byName.keySet());
        java.util.Collections.sort(names);
        Map<String, Set<String>> refersTo = new LinkedHashMap<>();
        for (String name : names) {
            List<Column> columns = new ArrayList<>();
            try (ResultSet rs = md.getColumns(null, schema, exact(md, name), "%")) {
                while (rs.next()) {
                    columns.add(new Column(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT),
                            neutral(rs.getInt("DATA_TYPE"), rs.getString("TYPE_NAME")), "YES".equals(rs.getString("IS_AUTOINCREMENT"))));
                }
            }
            // by name: the same order on every database, however the columns were added
            columns.sort(java.util.Comparator.comparing(Column::name));
            byName.put(name, new Table(name, columns));
            Set<String> refs = new LinkedHashSet<>();
            try (ResultSet rs = md.getImportedKeys(null, schema, exact(md, name))) {
                while (rs.next()) {
                    String target = rs.getString("PKTABLE_NAME").toLowerCase(Locale.ROOT);
                    if (!target.equals(name)) {
                        refs.add(target);
                    }
                }
            }
            refersTo.put(name, refs);
        }
        List<Table> out = new ArrayList<>();
        Set<String> placed = new LinkedHashSet<>();
        while (placed.size() < names.size()) {
            boolean progress = false;
            for (String name : names) {
                if (!placed.contains(name) && placed.containsAll(refersTo.get(name).stream().filter(byName::containsKey).toList())) {
                    placed.add(name);
                    out.add(byName.get(name));
                    progress = true;
                }
            }
            if (!progress) {
                names.stream().filter(n -> !placed.contains(n)).forEach(n -> {
                    placed.add(n);
                    out.add(byName.get(n));
                });
            }
        }
        return out;
    }

    private static String exact(DatabaseMetaData md, String name) throws SQLException {
        return md.storesUpperCaseIdentifiers() ? name.toUpperCase(Locale.ROOT) : name;
    }

    /** The neutral type of a column, from what the driver reports. */
    static String neutral(int jdbcType, String typeName) {
        String t = typeName == null ? "" : typeName.toLowerCase(Locale.ROOT);
        if (t.equals("uuid")) {
            return "uuid";
        }
        if (t.contains("timestamptz") || t.contains("with time zone") || jdbcType == Types.TIMESTAMP_WITH_TIMEZONE) {
            return "timestamptz";
        }
        return switch (jdbcType) {
            case Types.SMALLINT, Types.TINYINT, Types.INTEGER -> "integer";
            case Types.BIGINT -> "bigint";
            case Types.NUMERIC, Types.DECIMAL -> "numeric";
            case Types.BOOLEAN, Types.BIT -> "boolean";
            case Types.TIMESTAMP -> "timestamp";
            case Types.DATE -> "date";
            case Types.DOUBLE, Types.FLOAT, Types.REAL -> "double";
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> "binary";
            default -> "text";
        };
    }

    /** A table's rows as it writes them, and their order-independent content hash. */
    static final class Writer {
        private final Table table;
        private final ByteArrayOutputStream row = new ByteArrayOutputStream(512);
        private final MessageDigest sha;
        private final long[] sum = new long[4];
        private long rows;

        Writer(Table table) {
            this.table = table;
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Writes the rows of the result set (its columns those of the table, in order); returns how many. */
        long write(ResultSet rs, OutputStream out) throws SQLException, IOException {
            // two stages on two threads: this one reads and spells the rows, the other hashes them and writes them on
            // (compressing, or encrypting); batches of rows pass between them, a few at a time, so memory stays flat
            java.util.concurrent.BlockingQueue<List<byte[]>> queue = new java.util.concurrent.ArrayBlockingQueue<>(4);
            List<byte[]> end = List.of();
            var failed = new java.util.concurrent.atomic.AtomicReference<Exception>();
            Thread sink = new Thread(() -> {
                try {
                    for (List<byte[]> batch = queue.take(); batch != end; batch = queue.take()) {
                        for (byte[] r : batch) {
                            add(sha.digest(r));
                            if (out != null) {
                                out.write(r);
                            }
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    failed.set(e);
                    queue.clear();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "backup-rows");
            sink.start();
            try {
                List<byte[]> batch = new ArrayList<>(BATCH);
                // one generator for every row (no separator between them): each row is flushed into the buffer and taken
                try (JsonGenerator g = JSON.createGenerator(row)) {
                    g.setRootValueSeparator(null);
                    while (rs.next() && failed.get() == null) {
                        row.reset();
                        g.writeStartArray();
                        for (int i = 0; i < table.columns().size(); i++) {
                            writeValue(g, table.columns().get(i).type(), rs, i + 1);
                        }
                        g.writeEndArray();
                        g.flush();
                        row.write('\n');
                        batch.add(row.toByteArray());
                        rows++;
                        if (batch.size() == BATCH) {
                            put(queue, batch, failed);
                            batch = new ArrayList<>(BATCH);
                        }
                    }
                }
                if (!batch.isEmpty()) {
                    put(queue, batch, failed);
                }
            } finally {
                put(queue, end, failed);
                try {
                    sink.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            Exception e = failed.get();
            if (e != null) {
                throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
            }
            return rows;
        }

        private static final int BATCH = 1000;

        private static void put(java.util.concurrent.BlockingQueue<List<byte[]>> queue, List<byte[]> batch,
                                java.util.concurrent.atomic.AtomicReference<Exception> failed) throws IOException {
            try {
                while (!queue.offer(batch, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    if (failed.get() != null && !batch.isEmpty()) {
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }

        long rows() {
            return rows;
        }

        /** The content hash: the sum, modulo 2^256, of every row's SHA-256 — equal for equal rows in any order. */
        String hash() {
            StringBuilder b = new StringBuilder();
            for (long l : sum) {
                b.append(String.format("%016x", l));
            }
            return b.toString();
        }

        private void add(byte[] digest) {
            long carry = 0;
            for (int k = 3; k >= 0; k--) {
                long part = 0;
                for (int j = 0; j < 8; j++) {
                    part = part << 8 | (digest[k * 8 + j] & 0xFF);
                }
                long s = sum[k] + part;
                long c1 = Long.compareUnsigned(s, sum[k]) < 0 ? 1 : 0;
                long s2 = s + carry;
                long c2 = Long.compareUnsigned(s2, s) < 0 ? 1 : 0;
                sum[k] = s2;
                carry = c1 + c2;
            }
        }
    }

    /** The rows of a table, every column, in no particular order: what a backup reads and a restore checks. */
    static String select(Table t) {
        StringBuilder b = new StringBuilder("select ");
        for (int i = 0; i < t.columns().size(); i++) {
            b.append(i == 0 ? "" : ", ").append(Dialect.q(t.columns().get(i).name()));
        }
        return b.append(" from ").append(Dialect.q(t.name())).toString();
    }

    private static void writeValue(JsonGenerator g, String type, ResultSet rs, int i) throws SQLException, IOException {
        switch (type) {
            case "uuid" -> {
                Object v = rs.getObject(i);
                if (v == null) {
                    g.writeNull();
                } else {
                    g.writeString(v.toString().toLowerCase(Locale.ROOT));
                }
            }
            case "timestamptz" -> {
                OffsetDateTime v = rs.getObject(i, OffsetDateTime.class);
                if (v == null) {
                    g.writeNull();
                } else {
                    g.writeString(v.toInstant().toString());
                }
            }
            case "timestamp" -> {
                LocalDateTime v = rs.getObject(i, LocalDateTime.class);
                if (v == null) {
                    g.writeNull();
                } else {
                    g.writeString(v.toString());
                }
            }
            case "date" -> {
                LocalDate v = rs.getObject(i, LocalDate.class);
                if (v == null) {
                    g.writeNull();
                } else {
                    g.writeString(v.toString());
                }
            }
            case "numeric" -> {
                BigDecimal v = rs.getBigDecimal(i);
                if (v == null) {
                    g.writeNull();
                } else {
                    g.writeString(v.signum() == 0 ? "0" : v.stripTrailingZeros().toPlainString());
                }
            }
            case "integer", "bigint" -> {
                long v = rs.getLong(i);
                if (rs.wasNull()) {
                    g.writeNull();
                } else {
                    g.writeNumber(v);
                }
            }
            case "boolean" -> {
                boolean v = rs.getBoolean(i);
                if (rs.wasNull()) {
                    g.writeNull();
                } else {
                    g.writeBoolean(v);
                }
            }
            case "double" -> {
                double v = rs.getDouble(i);
                if (rs.wasNull()) {
                    g.writeNull();
                } else {
                    g.writeNumber(v);
                }
            }
            case "binary" -> {
                byte[] v = rs.getBytes(i);
                if (v == null) {
                    g.writeNull();
                } else {
                    g.writeString(Base64.getEncoder().encodeToString(v));
                }
            }
            default -> {
                String v = rs.getString(i);
                if (v == null) {
                    g.writeNull();
                } else {
                    g.writeString(v);
                }
            }
        }
    }

    /** One row read back from its JSON array: the values as the column types want them. */
    static Object[] readRow(JsonParser p, List<Column> columns) throws IOException {
        Object[] out = new Object[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            JsonToken t = p.nextToken();
            if (t == JsonToken.VALUE_NULL) {
                continue;
            }
            out[i] = switch (columns.get(i).type()) {
                case "uuid" -> UUID.fromString(p.getText());
                case "timestamptz" -> OffsetDateTime.ofInstant(Instant.parse(p.getText()), ZoneOffset.UTC);
                case "timestamp" -> LocalDateTime.parse(p.getText());
                case "date" -> LocalDate.parse(p.getText());
                case "numeric" -> new BigDecimal(p.getText());
                case "integer" -> p.getIntValue();
                case "bigint" -> p.getLongValue();
                case "boolean" -> p.getBooleanValue();
                case "double" -> p.getDoubleValue();
                case "binary" -> Base64.getDecoder().decode(p.getText());
                default -> p.getText();
            };
        }
        if (p.nextToken() != JsonToken.END_ARRAY) {
            throw new IOException("a row has more values than its table's " + columns.size() + " columns");
        }
        return out;
    }

    /** A value as PostgreSQL's COPY (CSV form) reads it: empty for null, quoted when it must be; bytes in hex. */
    static void appendCsv(StringBuilder out, Object v) {
        io.hotcrm.store.CsvText.append(out, v instanceof byte[] b ? "\\x" + HexFormat.of().formatHex(b)
                : v instanceof OffsetDateTime t ? t.toInstant().toString() : v);
    }

    /** Binds a row's values to an INSERT of its columns. */
    static void bind(PreparedStatement ps, Object[] row, List<Column> columns) throws SQLException {
        for (int i = 0; i < row.length; i++) {
            if (row[i] == null) {
                ps.setNull(i + 1, switch (columns.get(i).type()) {
                    case "integer" -> Types.INTEGER;
                    case "bigint" -> Types.BIGINT;
                    case "numeric" -> Types.NUMERIC;
                    case "boolean" -> Types.BOOLEAN;
                    case "double" -> Types.DOUBLE;
                    case "binary" -> Types.VARBINARY;
                    case "date" -> Types.DATE;
                    case "timestamp" -> Types.TIMESTAMP;
                    case "timestamptz" -> Types.TIMESTAMP_WITH_TIMEZONE;
                    case "uuid" -> Types.OTHER;
                    default -> Types.VARCHAR;
                });
            } else {
                ps.setObject(i + 1, row[i]);
            }
        }
    }
}

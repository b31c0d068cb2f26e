package io.hotcrm.store;

import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.FieldType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

/**
 * Reads a query's rows with PostgreSQL's {@code COPY (SELECT …) TO STDOUT (FORMAT binary)}: the server runs the query
 * and sends rows without waiting to be asked for the next batch (a cursor's fetches make the server and the
 * reader take turns), in its own binary form, so on two cores the database and the code writing a file work at
 * the same time. COPY takes no bind parameters: {@link #inline} writes them into the statement as typed literals,
 * and declines (null) for a value it has no exact literal for, so that the caller reads with a prepared statement.
 * The select list must give every column as {@link #castType} of its field, which {@link #read} then decodes. Inside
 * a transaction the query runs without parallel workers: the reader needs the other core.
 */
public final class PgCopyOut {
    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};
    private static final long EPOCH_DAY_2000 = LocalDate.of(2000, 1, 1).toEpochDay();
    private static final long EPOCH_SECOND_2000 = EPOCH_DAY_2000 * 86_400L;

    private PgCopyOut() {
    }

    /** The type a field's column is cast to in the select list, which {@link #read} decodes. */
    public static String castType(FieldDef f) {
        return switch (f.type()) {
            case TEXT, TEXTAREA, EMAIL, PHONE, URL, PICKLIST, MULTI_PICKLIST -> "text";
            case NUMBER, CURRENCY, PERCENT -> "numeric";
            case DATE -> "date";
            case DATETIME -> "timestamptz";
            case BOOLEAN -> "boolean";
            case LOOKUP, OWNER -> "uuid";
        };
    }

    /**
     * The statement with each {@code ?} outside quotes replaced by its parameter as a typed literal, or null when a
     * parameter has a type without an exact literal here (the caller then binds it instead).
     */
    public static String inline(String sql, List<Object> params) {
        StringBuilder out = new StringBuilder(sql.length() + 16 * params.size());
        int next = 0;
        char quote = 0;
        for (int i = 0; i < sql.length(); i++) {
            char ch = sql.charAt(i);
            if (quote != 0) {
                if (ch == quote) {
                    quote = 0;
                }
            } else if (ch == '\'' || ch == '"') {
                quote = ch;
            } else if (ch == '?') {
                if (next == params.size()) {
                    throw new IllegalArgumentException("more placeholders than parameters in " + sql);
                }
                String literal = literal(params.get(next++));
                if (literal == null) {
                    return null;
                }
                out.append(literal);
                continue;
            }
            out.append(ch);
        }
        if (next != params.size()) {
            throw new IllegalArgumentException("fewer placeholders than parameters in " + sql);
        }
        return out.toString();
    }

    /** A parameter as a literal of the type the driver would have bound it as; null when there is none. */
    static String literal(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String s) {
            // escape-string syntax, so the literal means the same whatever standard_conforming_strings says
            return s.indexOf('\0') >= 0 ? null : "E'" + s.replace("\\", "\\\\").replace("'", "''") + "'::varchar";
        }
        if (v instanceof Boolean b) {
            return b ? "true" : "false";
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short) {
            return "(" + v + ")::int8";
        }
        if (v instanceof BigDecimal d) {
            return "'" + d.toPlainString() + "'::numeric";
        }
        if (v instanceof Double || v instanceof Float) {
            return "'" + v + "'::float8";
        }
        if (v instanceof UUID u) {
            return "'" + u + "'::uuid";
        }
        if (v instanceof LocalDate d) {
            return d.getYear() < 1 || d.getYear() > 9999 ? null : "'" + d + "'::date";
        }
        if (v instanceof OffsetDateTime t) {
            int year = t.withOffsetSameInstant(ZoneOffset.UTC).getYear();
            return year < 1 || year > 9999 ? null : "'" + t.withOffsetSameInstant(ZoneOffset.UTC) + "'::timestamptz";
        }
        if (v instanceof Instant t) {
            return literal(t.atOffset(ZoneOffset.UTC));
        }
        if (v instanceof LocalDateTime t) {
            return t.getYear() < 1 || t.getYear() > 9999 ? null : "'" + t + "'::timestamp";
        }
        return null;
    }

    /**
     * Runs {@code copy (SELECT) to stdout (format binary)} and hands each row's values — one per field of {@code defs},
     * decoded as {@link Columns#read} would (the array is reused) — to {@code sink}; returns the number of rows. When the
     * sink throws, the rest of the copy is read and dropped, so that the connection is left ready for its next statement.
     */
    public static long read(Connection c, String select, FieldDef[] defs, Consumer<Object[]> sink) throws SQLException {
        if (!c.getAutoCommit()) {
            // the reader decodes on a core of its own: parallel workers would take it from the reader for little gain
            try (Statement st = c.createStatement()) {
                st.execute("set local max_parallel_workers_per_gather = 0");
            }
        }
        CopyOut op = c.unwrap(PGConnection.class).getCopyAPI().copyOut("copy (" + select + ") to stdout (format binary)");
        Reader r = new Reader(op);
        try {
            r.header();
            Object[] values = new Object[defs.length];
            long rows = 0;
            while (true) {
                int fields = r.int2();
                if (fields == -1) {
                    break;
                }
                if (fields != defs.length) {
                    throw new SQLException("COPY sent " + fields + " columns, expected " + defs.length);
                }
                for (int i = 0; i < fields; i++) {
                    int len = r.int4();
                    values[i] = len < 0 ? null : r.value(defs[i], len);
                }
                sink.accept(values);
                rows++;
            }
            r.drain();
            return rows;
        } catch (RuntimeException | SQLException e) {
            // read to the end rather than cancel: a cancel request races the copy's end and can stop the
            // connection's next statement instead
            if (op.isActive()) {
                try {
                    r.drain();
                } catch (SQLException again) {
                    e.addSuppressed(again);
                }
            }
            throw e;
        }
    }

    /** The copy's messages read as one byte stream, through one buffer that grows for a long value. */
    private static final class Reader {
        private final CopyOut op;
        private byte[] buf = new byte[1 << 16];
        private int pos;
        private int end;
        private byte[] message;
        private int messagePos;

        Reader(CopyOut op) {
            this.op = op;
        }

        /** Reads what is left of the copy, to its end. */
        void drain() throws SQLException {
            while (op.isActive() && op.readFromCopy() != null) {
                message = null;
            }
        }

        void header() throws SQLException {
            need(SIGNATURE.length + 8);
            if (!Arrays.equals(buf, pos, pos + SIGNATURE.length, SIGNATURE, 0, SIGNATURE.length)) {
                throw new SQLException("Not a binary COPY stream");
            }
            pos += SIGNATURE.length;
            int flags = int4();
            if ((flags & 0x10000) != 0) {
                throw new SQLException("Binary COPY with OIDs is not read here");
            }
            skip(int4());
        }

        Object value(FieldDef f, int len) throws SQLException {
            need(len);
            int at = pos;
            pos += len;
            return switch (f.type()) {
                case TEXT, TEXTAREA, EMAIL, PHONE, URL, PICKLIST -> new String(buf, at, len, StandardCharsets.UTF_8);
                case MULTI_PICKLIST -> Columns.splitMulti(new String(buf, at, len, StandardCharsets.UTF_8));
                case NUMBER, CURRENCY, PERCENT -> numeric(at, len);
                case DATE -> date(getInt(at));
                case DATETIME -> timestamp(getLong(at));
                case BOOLEAN -> buf[at] != 0;
                case LOOKUP, OWNER -> new UUID(getLong(at), getLong(at + 8));
            };
        }

        private static LocalDate date(int days) {
            if (days == Integer.MAX_VALUE) {
                return LocalDate.MAX;
            }
            return days == Integer.MIN_VALUE ? LocalDate.MIN : LocalDate.ofEpochDay(EPOCH_DAY_2000 + days);
        }

        private static OffsetDateTime timestamp(long micros) {
            if (micros == Long.MAX_VALUE) {
                return OffsetDateTime.MAX;
            }
            if (micros == Long.MIN_VALUE) {
                return OffsetDateTime.MIN;
            }
            long seconds = Math.floorDiv(micros, 1_000_000L);
            long nanos = Math.floorMod(micros, 1_000_000L) * 1000L;
            return OffsetDateTime.ofInstant(Instant.ofEpochSecond(EPOCH_SECOND_2000 + seconds, nanos), ZoneOffset.UTC);
        }

        /** PostgreSQL's numeric: digit count, weight, sign, display scale, then base-10000 digits. */
        private BigDecimal numeric(int at, int len) throws SQLException {
            int ndigits = getShort(at);
            int weight = (short) getShort(at + 2);
            int sign = getShort(at + 4);
            int dscale = getShort(at + 6);
            if (sign != 0 && sign != 0x4000) {
                throw new SQLException("Bad value for type BigDecimal: not a finite number");
            }
            if (len != 8 + 2 * ndigits) {
                throw new SQLException("Malformed numeric in the COPY stream");
            }
            BigDecimal v;
            if (ndigits == 0) {
                v = BigDecimal.ZERO;
            } else if (ndigits <= 4) {
                long acc = 0;
                for (int i = 0; i < ndigits; i++) {
                    acc = acc * 10_000 + getShort(at + 8 + 2 * i);
                }
                v = BigDecimal.valueOf(acc, 4 * (ndigits - 1 - weight));
            } else {
                BigInteger acc = BigInteger.ZERO;
                BigInteger base = BigInteger.valueOf(10_000);
                for (int i = 0; i < ndigits; i++) {
                    acc = acc.multiply(base).add(BigInteger.valueOf(getShort(at + 8 + 2 * i)));
                }
                v = new BigDecimal(acc, 4 * (ndigits - 1 - weight));
            }
            v = v.setScale(dscale, RoundingMode.HALF_UP);
            return sign == 0x4000 ? v.negate() : v;
        }

        int int2() throws SQLException {
            need(2);
            int v = (short) getShort(pos);
            pos += 2;
            return v;
        }

        int int4() throws SQLException {
            need(4);
            int v = getInt(pos);
            pos += 4;
            return v;
        }

        void skip(int n) throws SQLException {
            if (n > 0) {
                need(n);
                pos += n;
            }
        }

        private int getShort(int at) {
            return ((buf[at] & 0xFF) << 8) | (buf[at + 1] & 0xFF);
        }

        private int getInt(int at) {
            return ((buf[at] & 0xFF) << 24) | ((buf[at + 1] & 0xFF) << 16) | ((buf[at + 2] & 0xFF) << 8) | (buf[at + 3] & 0xFF);
        }

        private long getLong(int at) {
            return ((long) getInt(at) << 32) | (getInt(at + 4) & 0xFFFFFFFFL);
        }

        /** Makes {@code n} bytes available from {@code pos}, reading more (and growing the buffer) as needed. */
        private void need(int n) throws SQLException {
            if (end - pos >= n) {
                return;
            }
            if (pos > 0) {
                System.arraycopy(buf, pos, buf, 0, end - pos);
                end -= pos;
                pos = 0;
            }
            if (n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(n, buf.length * 2));
            }
            while (end < n) {
                if (message == null || messagePos == message.length) {
                    message = op.readFromCopy();
                    messagePos = 0;
                    if (message == null) {
                        throw new SQLException("The COPY stream ended in the middle of a row");
                    }
                }
                int got = Math.min(message.length - messagePos, buf.length - end);
                System.arraycopy(message, messagePos, buf, end, got);
                messagePos += got;
                end += got;
            }
        }
    }
}

package io.hotcrm.store;

import io.hotcrm.metadata.FieldDef;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Streams rows to PostgreSQL with {@code COPY … FROM STDIN (FORMAT binary)}: values travel in the server's own
 * binary form (16-byte uuids, day and microsecond counts, base-10000 numerics), so the backend — the busy
 * core of an import — parses no text, no quoting and no dates. Rows are sent in 64 KB pieces as they are
 * added; nothing is buffered beyond that.
 */
final class PgBinaryCopy implements AutoCloseable {
    private static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0};
    private static final long EPOCH_DAY_2000 = LocalDate.of(2000, 1, 1).toEpochDay();
    private static final long EPOCH_SECOND_2000 = EPOCH_DAY_2000 * 86_400L;
    private static final int FLUSH_AT = 1 << 16;

    private final CopyIn copy;
    private byte[] buf = new byte[FLUSH_AT + 1024];
    private int len;
    private boolean done;

    PgBinaryCopy(Connection c, String table, String columns) throws SQLException {
        this.copy = c.unwrap(PGConnection.class).getCopyAPI()
                .copyIn("copy " + table + " (" + columns + ") from stdin (format binary)");
        put(HEADER, 0, HEADER.length);
    }

    /** Starts a row of {@code fields} values. */
    void row(int fields) throws SQLException {
        if (len >= FLUSH_AT) {
            flush();
        }
        ensure(2);
        buf[len++] = (byte) (fields >>> 8);
        buf[len++] = (byte) fields;
    }

    /** Writes one field's value as the column's type expects it ({@code Columns.toDb} form). */
    void value(FieldDef f, Object v) {
        if (v == null) {
            nul();
            return;
        }
        switch (f.type()) {
            case TEXT, TEXTAREA, EMAIL, PHONE, URL, PICKLIST, MULTI_PICKLIST -> text(Columns.toDb(f, v).toString());
            case NUMBER, CURRENCY, PERCENT -> numeric((BigDecimal) v);
            case DATE -> date((LocalDate) v);
            case DATETIME -> timestamp((OffsetDateTime) v);
            case BOOLEAN -> {
                int4(1);
                ensure(1);
                buf[len++] = (byte) (((Boolean) v) ? 1 : 0);
            }
            case LOOKUP, OWNER -> uuid((UUID) v);
        }
    }

    void nul() {
        int4(-1);
    }

    void text(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        int4(b.length);
        put(b, 0, b.length);
    }

    void uuid(UUID id) {
        if (id == null) {
            nul();
            return;
        }
        int4(16);
        int8(id.getMostSignificantBits());
        int8(id.getLeastSignificantBits());
    }

    void timestamp(OffsetDateTime t) {
        long seconds = t.toEpochSecond() - EPOCH_SECOND_2000;
        int4(8);
        int8(Math.addExact(Math.multiplyExact(seconds, 1_000_000L), t.getNano() / 1000));
    }

    void date(LocalDate d) {
        int4(4);
        int4(Math.toIntExact(d.toEpochDay() - EPOCH_DAY_2000));
    }

    /**
     * PostgreSQL's numeric: digit count, weight (position of the first base-10000 digit before the point),
     * sign, display scale, then the base-10000 digits without leading or trailing zero digits.
     */
    void numeric(BigDecimal v) {
        short[] d = numericDigits(v);
        int4(8 + 2 * (d.length - 4));
        for (short s : d) {
            int2(s);
        }
    }

    /** The numeric's four header words followed by its digits (package-visible for tests). */
    static short[] numericDigits(BigDecimal v) {
        int scale = Math.max(0, v.scale());
        BigInteger unscaled = v.setScale(scale).unscaledValue();
        int sign = unscaled.signum() < 0 ? 0x4000 : 0;
        String s = unscaled.abs().toString();
        String intPart = s.length() > scale ? s.substring(0, s.length() - scale) : "";
        String fracPart = "0".repeat(Math.max(0, scale - s.length())) + s.substring(Math.max(0, s.length() - scale));
        intPart = "0".repeat((4 - intPart.length() % 4) % 4) + intPart;
        fracPart = fracPart + "0".repeat((4 - fracPart.length() % 4) % 4);
        String all = intPart + fracPart;
        int groups = all.length() / 4;
        short[] digits = new short[groups];
        for (int i = 0; i < groups; i++) {
            digits[i] = Short.parseShort(all.substring(i * 4, i * 4 + 4));
        }
        int weight = intPart.length() / 4 - 1;
        int first = 0;
        while (first < groups && digits[first] == 0) {
            first++;
            weight--;
        }
        int last = groups;
        while (last > first && digits[last - 1] == 0) {
            last--;
        }
        if (first == last) {
            return new short[] {0, 0, 0, (short) scale};
        }
        short[] out = new short[4 + last - first];
        out[0] = (short) (last - first);
        out[1] = (short) weight;
        out[2] = (short) sign;
        out[3] = (short) scale;
        System.arraycopy(digits, first, out, 4, last - first);
        return out;
    }

    /** Sends the trailer and ends the COPY; returns the rows the server stored. */
    long finish() throws SQLException {
        ensure(2);
        buf[len++] = (byte) 0xFF;
        buf[len++] = (byte) 0xFF;
        flush();
        done = true;
        return copy.endCopy();
    }

    @Override
    public void close() throws SQLException {
        if (!done && copy.isActive()) {
            copy.cancelCopy();
        }
    }

    private void flush() throws SQLException {
        if (len > 0) {
            copy.writeToCopy(buf, 0, len);
            len = 0;
        }
    }

    private void ensure(int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
    }

    private void put(byte[] b, int off, int n) {
        ensure(n);
        System.arraycopy(b, off, buf, len, n);
        len += n;
    }

    private void int2(int v) {
        ensure(2);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
    }

    private void int4(int v) {
        ensure(4);
        buf[len++] = (byte) (v >>> 24);
        buf[len++] = (byte) (v >>> 16);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
    }

    private void int8(long v) {
        int4((int) (v >>> 32));
        int4((int) v);
    }

    /** The column list for a COPY: quoted names joined by commas. */
    static String columnList(List<String> names) {
        return String.join(", ", names.stream().map(Dialect::q).toList());
    }
}

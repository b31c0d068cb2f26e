package io.hotcrm.common;

import java.io.IOException;
import java.io.OutputStream;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Writes CSV records straight to UTF-8 bytes: comma-separated, CRLF line ends, a value quoted (quotes doubled) only
 * when it holds a comma, a quote, CR or LF, or when it is a record's first value and starts with {@code #} — byte for
 * byte what FastCSV's writer produces, without its character writer and encoder between the values and the file
 * (exports and import result files write hundreds of millions of characters). Values are written as {@link ValueText}
 * says; the common ones (text, record ids, dates and UTC date-times) straight to bytes, digit by digit.
 */
public final class CsvBytes {
    private static final int FLUSH_AT = 1 << 16;

    private final OutputStream out;
    private byte[] buf = new byte[FLUSH_AT + 256];
    private int len;
    private boolean first = true;

    public CsvBytes(OutputStream out) {
        this.out = out;
    }

    /** Writes one value of the current record ({@code null} as nothing). */
    public void value(Object v) throws IOException {
        if (!first) {
            put((byte) ',');
        }
        boolean leading = first;
        first = false;
        if (v == null) {
            return;
        }
        if (v instanceof String s) {
            text(s, leading);
        } else if (v instanceof UUID u) {
            ascii(u.toString());
        } else if (v instanceof OffsetDateTime t && t.getOffset().equals(ZoneOffset.UTC) && t.getYear() >= 0 && t.getYear() <= 9999) {
            instant(t);
        } else if (v instanceof LocalDate d && d.getYear() >= 0 && d.getYear() <= 9999) {
            date(d.getYear(), d.getMonthValue(), d.getDayOfMonth());
        } else {
            text(ValueText.of(v), leading);
        }
    }

    /** Writes a whole record: each value, then the record's end. */
    public void record(Iterable<?> values) throws IOException {
        for (Object v : values) {
            value(v);
        }
        endRecord();
    }

    /** Ends the current record. */
    public void endRecord() throws IOException {
        ensure(2);
        buf[len++] = '\r';
        buf[len++] = '\n';
        first = true;
        if (len >= FLUSH_AT) {
            flush();
        }
    }

    public void flush() throws IOException {
        out.write(buf, 0, len);
        len = 0;
    }

    private void text(String s, boolean leading) throws IOException {
        int n = s.length();
        boolean quote = leading && n > 0 && s.charAt(0) == '#';
        for (int i = 0; i < n && !quote; i++) {
            char c = s.charAt(i);
            quote = c == ',' || c == '"' || c == '\r' || c == '\n';
        }
        // at most three bytes per char (a surrogate pair: four bytes for two chars), twice for doubled quotes
        ensure(6 * n + 2);
        byte[] b = buf;
        int at = len;
        if (quote) {
            b[at++] = '"';
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (c == '"' && quote) {
                    b[at++] = '"';
                }
                b[at++] = (byte) c;
            } else if (c < 0x800) {
                b[at++] = (byte) (0xC0 | (c >> 6));
                b[at++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isSurrogate(c)) {
                char d = i + 1 < n ? s.charAt(i + 1) : 0;
                if (Character.isHighSurrogate(c) && Character.isLowSurrogate(d)) {
                    int cp = Character.toCodePoint(c, d);
                    b[at++] = (byte) (0xF0 | (cp >> 18));
                    b[at++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                    b[at++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                    b[at++] = (byte) (0x80 | (cp & 0x3F));
                    i++;
                } else {
                    // an unpaired surrogate: what Java's UTF-8 encoder writes for it
                    b[at++] = '?';
                }
            } else {
                b[at++] = (byte) (0xE0 | (c >> 12));
                b[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                b[at++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        if (quote) {
            b[at++] = '"';
        }
        len = at;
    }

    private void ascii(String s) throws IOException {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[len++] = (byte) s.charAt(i);
        }
    }

    private void date(int year, int month, int day) throws IOException {
        ensure(10);
        digits(year, 4);
        buf[len++] = '-';
        digits(month, 2);
        buf[len++] = '-';
        digits(day, 2);
    }

    /** {@code 2021-02-14T17:40:07Z}, with .SSS, .SSSSSS or .SSSSSSSSS when there is a fraction. */
    private void instant(OffsetDateTime t) throws IOException {
        ensure(32);
        date(t.getYear(), t.getMonthValue(), t.getDayOfMonth());
        buf[len++] = 'T';
        digits(t.getHour(), 2);
        buf[len++] = ':';
        digits(t.getMinute(), 2);
        buf[len++] = ':';
        digits(t.getSecond(), 2);
        int nano = t.getNano();
        if (nano > 0) {
            buf[len++] = '.';
            if (nano % 1_000_000 == 0) {
                digits(nano / 1_000_000, 3);
            } else if (nano % 1000 == 0) {
                digits(nano / 1000, 6);
            } else {
                digits(nano, 9);
            }
        }
        buf[len++] = 'Z';
    }

    private void digits(int v, int width) {
        for (int i = len + width - 1; i >= len; i--) {
            buf[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        len += width;
    }

    private void put(byte b) throws IOException {
        ensure(1);
        buf[len++] = b;
    }

    private void ensure(int n) throws IOException {
        if (len + n > buf.length) {
            flush();
            if (n > buf.length) {
                buf = new byte[n];
            }
        }
    }
}

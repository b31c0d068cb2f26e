package io.hotcrm.store;

import io.hotcrm.common.Picks;
import io.hotcrm.metadata.FieldDef;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/** Moves typed field values in and out of JDBC, the same way on H2 and PostgreSQL. */
public final class Columns {
    private Columns() {
    }

    /** Reads the column at {@code index} as the Java type the field stores; null stays null. */
    public static Object read(ResultSet rs, int index, FieldDef f) throws SQLException {
        return switch (f.type()) {
            case TEXT, TEXTAREA, EMAIL, PHONE, URL, PICKLIST -> rs.getString(index);
            case MULTI_PICKLIST -> splitMulti(rs.getString(index));
            case NUMBER, CURRENCY, PERCENT -> rs.getBigDecimal(index);
            case DATE -> rs.getObject(index, LocalDate.class);
            case DATETIME -> utc(rs.getObject(index, OffsetDateTime.class));
            case BOOLEAN -> {
                boolean b = rs.getBoolean(index);
                yield rs.wasNull() ? null : b;
            }
            case LOOKUP, OWNER -> rs.getObject(index, UUID.class);
        };
    }

    public static OffsetDateTime utc(OffsetDateTime t) {
        return t == null ? null : t.withOffsetSameInstant(ZoneOffset.UTC);
    }

    public static List<String> splitMulti(String joined) {
        return Picks.of(joined);
    }

    /** Binds a value converted by {@code ValueConverter} (or null) for the field. */
    public static void bind(PreparedStatement ps, int index, FieldDef f, Object value) throws SQLException {
        if (value == null) {
            ps.setNull(index, sqlType(f));
            return;
        }
        switch (f.type()) {
            case MULTI_PICKLIST -> ps.setString(index, toDb(f, value).toString());
            case NUMBER, CURRENCY, PERCENT -> ps.setBigDecimal(index, (BigDecimal) value);
            default -> ps.setObject(index, value);
        }
    }

    /** The value as it is stored: multi-picklists joined with {@code ;}. */
    public static Object toDb(FieldDef f, Object value) {
        if (value instanceof List<?> list) {
            return String.join(";", list.stream().map(String::valueOf).toList());
        }
        return value;
    }

    static int sqlType(FieldDef f) {
        return switch (f.type()) {
            case NUMBER, CURRENCY, PERCENT -> Types.NUMERIC;
            case DATE -> Types.DATE;
            case DATETIME -> Types.TIMESTAMP_WITH_TIMEZONE;
            case BOOLEAN -> Types.BOOLEAN;
            case LOOKUP, OWNER -> Types.OTHER;
            default -> Types.VARCHAR;
        };
    }
}

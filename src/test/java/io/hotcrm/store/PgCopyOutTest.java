package io.hotcrm.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.FieldType;
import io.hotcrm.testing.TestDb;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The binary COPY reader of exports against the driver on a real PostgreSQL: every column type decodes to what a
 * prepared statement reads, and a parameter written into the statement as a literal means what it meant bound.
 */
class PgCopyOutTest {
    private static final List<FieldDef> FIELDS = List.of(field("t", FieldType.TEXT), field("m", FieldType.MULTI_PICKLIST),
            field("n", FieldType.NUMBER), field("d", FieldType.DATE), field("ts", FieldType.DATETIME),
            field("b", FieldType.BOOLEAN), field("u", FieldType.LOOKUP));
    private static Database db;

    @BeforeAll
    static void start() {
        db = TestDb.fresh(Dialect.POSTGRES);
        db.jdbi().useHandle(h -> {
            h.execute("create table copy_t (k int, t text, m varchar(100), n numeric(18,4), d date, ts timestamptz, b boolean, u uuid,"
                    + " big numeric, seq bigint)");
            h.execute("insert into copy_t values (1, 'plain', 'Cloud;AI', 12.5, '2024-02-29', '2021-02-14 17:40:07.123456+00', true,"
                    + " '01a236fa-cf82-7000-b275-e9b93ac7a632', 123456789012345678901234567890.123456789, 9007199254740993)");
            h.execute("insert into copy_t values (2, E'quote '' back\\\\ nl\\n é中😀', '', -0.0001, '1899-12-31',"
                    + " '1969-07-20 20:17:40+00', false, '00000000-0000-0000-0000-000000000000', -5, -1)");
            h.execute("insert into copy_t values (3, '', null, 0, 'infinity', '0001-01-01 00:00:00+00', null, null, 10000, 0)");
            h.execute("insert into copy_t values (4, null, 'x', 99999999999999.9999, '9999-12-31', '9999-12-31 23:59:59.999999+00', true, null, 0.00000001, 1)");
        });
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @Test
    void everyTypeDecodesAsThePreparedStatementReadsIt() throws Exception {
        List<FieldDef> defs = new ArrayList<>(FIELDS);
        defs.add(field("big", FieldType.NUMBER));
        defs.add(field("seq", FieldType.NUMBER));
        String columns = "t, m, n, d, ts, b, u, big, seq";
        List<List<Object>> viaJdbc = new ArrayList<>();
        List<List<Object>> viaCopy = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection()) {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select " + columns + " from copy_t order by k")) {
                while (rs.next()) {
                    List<Object> row = new ArrayList<>();
                    for (int i = 0; i < defs.size(); i++) {
                        row.add(Columns.read(rs, i + 1, defs.get(i)));
                    }
                    viaJdbc.add(row);
                }
            }
            String casts = String.join(", ", defs.stream().map(f -> "cast(" + f.name() + " as " + PgCopyOut.castType(f) + ")").toList());
            long n = PgCopyOut.read(c, "select " + casts + " from copy_t order by k", defs.toArray(FieldDef[]::new),
                    v -> viaCopy.add(new ArrayList<>(Arrays.asList(v))));
            assertThat(n).isEqualTo(4);
        }
        assertThat(viaCopy).hasSize(4);
        for (int r = 0; r < 4; r++) {
            for (int i = 0; i < defs.size(); i++) {
                Object a = viaCopy.get(r).get(i);
                Object b = viaJdbc.get(r).get(i);
                if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
                    // the same number and the same scale as the driver reads it
                    assertThat(x.toPlainString()).as("row %d column %s", r + 1, defs.get(i).name()).isEqualTo(y.toPlainString());
                } else if (a instanceof OffsetDateTime x && b instanceof OffsetDateTime y) {
                    assertThat(x.toInstant()).as("row %d column %s", r + 1, defs.get(i).name()).isEqualTo(y.toInstant());
                } else {
                    assertThat(a).as("row %d column %s", r + 1, defs.get(i).name()).isEqualTo(b);
                }
            }
        }
        assertThat(viaCopy.get(1).get(0)).isEqualTo("quote ' back\\ nl\n é中😀");
        assertThat(viaCopy.get(0).get(1)).isEqualTo(List.of("Cloud", "AI"));
    }

    @Test
    void inlinedParametersMeanWhatBoundOnesMean() throws Exception {
        List<Object> values = List.of("it's", "back\\slash", "a ? mark", "E'x'", "é中😀", "", 42L, 7, new BigDecimal("-12.3400"),
                1.5d, true, false, UUID.fromString("01a236fa-cf82-7000-b275-e9b93ac7a632"), LocalDate.of(1899, 12, 31),
                OffsetDateTime.of(2021, 2, 14, 17, 40, 7, 123_456_000, ZoneOffset.ofHours(2)), LocalDateTime.of(2020, 1, 2, 3, 4, 5));
        try (Connection c = db.dataSource().getConnection()) {
            for (Object v : values) {
                String bound;
                try (PreparedStatement ps = c.prepareStatement("select cast(? as text) where '?' = '?'")) {
                    ps.setObject(1, v);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        bound = rs.getString(1);
                    }
                }
                String sql = PgCopyOut.inline("select cast(? as text) where '?' = '?'", List.of(v));
                assertThat(sql).as("%s", v).isNotNull();
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                    rs.next();
                    assertThat(rs.getString(1)).as("%s", v).isEqualTo(bound);
                }
            }
        }
        assertThat(PgCopyOut.inline("select ?", List.of(new Object()))).isNull();
        assertThat(PgCopyOut.inline("select ?", java.util.Collections.singletonList(null))).isEqualTo("select null");
        assertThatThrownBy(() -> PgCopyOut.inline("select ?, ?", List.of(1L))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSinkThatStopsCancelsTheCopyAndTheConnectionWorksOn() throws Exception {
        FieldDef[] defs = {field("k", FieldType.NUMBER)};
        try (Connection c = db.dataSource().getConnection()) {
            assertThatThrownBy(() -> PgCopyOut.read(c, "select cast(g as numeric) from generate_series(1, 1000000) g", defs, v -> {
                throw new IllegalStateException("stop");
            })).hasMessage("stop");
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select 1")) {
                assertThat(rs.next()).isTrue();
            }
        }
    }

    private static FieldDef field(String name, FieldType type) {
        return new FieldDef(name, name, type, false, false, 0, type.isNumeric() ? 4 : 0, null, null,
                type == FieldType.LOOKUP ? "account" : null,
                type == FieldType.MULTI_PICKLIST ? List.of(io.hotcrm.metadata.PicklistValue.of("Cloud")) : List.of(), null, false, false, "");
    }
}

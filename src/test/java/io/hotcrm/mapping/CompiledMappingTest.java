package io.hotcrm.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotcrm.common.HotCrmException;
import io.hotcrm.metadata.Catalogue;
import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.FieldType;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CompiledMappingTest {
    final Catalogue catalogue = Catalogue.standard()
            .withField("contact", FieldDef.custom("interests", FieldType.MULTI_PICKLIST, "Interests",
                    List.of("Cloud", "Security", "Analytics"), null, false, false, 0, 0))
            .withField("contact", FieldDef.custom("birthdate", FieldType.DATE, "Birthdate", null, null, false, false, 0, 0))
            .withField("contact", FieldDef.custom("score", FieldType.NUMBER, "Score", null, null, false, false, 0, 2))
            .withField("contact", FieldDef.custom("met_at", FieldType.DATETIME, "Met At", null, null, false, false, 0, 0));

    static final List<String> HEADERS = List.of("Email", "Level", "Decision maker", "Birthdate", "Met", "Score", "Interests",
            "Company", "Owner", "Ext");

    CompiledMapping compile(Mapping m) {
        return CompiledMapping.compile(catalogue, catalogue.object("contact"), m, HEADERS);
    }

    static Mapping mapping(Formats f, ColumnMapping... extra) {
        List<ColumnMapping> cols = new ArrayList<>(List.of(ColumnMapping.of("Email", "email"),
                ColumnMapping.of("Decision maker", "is_decision_maker"), ColumnMapping.of("Birthdate", "birthdate"),
                ColumnMapping.of("Met", "met_at"), ColumnMapping.of("Score", "score"), ColumnMapping.of("Interests", "interests"),
                ColumnMapping.lookup("Company", "account_id", LookupBy.NAME), ColumnMapping.lookup("Owner", "owner_id", null),
                ColumnMapping.of("Ext", "external_id")));
        cols.addAll(List.of(extra));
        return new Mapping("contact", cols, Map.of("last_name", "Unknown"), f);
    }

    Object[] convert(CompiledMapping cm, List<RowProblem> problems, String... row) {
        Object[] out = new Object[cm.targets().size()];
        cm.convert(7, row, out, problems);
        return out;
    }

    Object value(CompiledMapping cm, Object[] out, String field) {
        return out[cm.indexOf(field)];
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            dd.MM.yyyy | 31.04.2024 | "31.04.2024" is not a real date: April 2024 has 30 days. Correct the day in the file.
            dd.MM.yyyy | 30.02.2023 | "30.02.2023" is not a real date: February 2023 has 28 days. Correct the day in the file.
            dd/MM/yyyy | 31/02/2024 | "31/02/2024" is not a real date: February 2024 has 29 days. Correct the day in the file.
            dd/MM/yy   | 29/02/23   | "29/02/23" is not a real date: February 2023 has 28 days. Correct the day in the file.
            dd.MM.yyyy | 12.13.2024 | "12.13.2024" is not a real date: there is no month 13. Correct the day in the file.
            ''         | 2023-02-29 | "2023-02-29" is not a real date: February 2023 has 28 days. Correct the day in the file.
            dd.MM.yyyy | 2024-04-01 | "2024-04-01" is not a date: expected dd.MM.yyyy.
            """)
    void refusesDaysThatDoNotExistInTheirMonthInsteadOfMovingThem(String format, String value, String message) {
        CompiledMapping cm = compile(mapping(new Formats(format, null, false)));
        List<RowProblem> problems = new ArrayList<>();
        Object[] out = convert(cm, problems, "a@example.com", "", "", value, value, "", "", "", "", "");
        assertThat(value(cm, out, "birthdate")).isNull();
        assertThat(value(cm, out, "met_at")).isNull();
        assertThat(problems).extracting(RowProblem::column, RowProblem::message).contains(
                org.assertj.core.groups.Tuple.tuple("Birthdate", message));
        assertThat(problems).filteredOn(p -> p.column().equals("Met")).singleElement()
                .satisfies(p -> assertThat(p.message()).startsWith("\"" + value + "\" is not a "));
    }

    @Test
    void acceptsTheLastDayOfEachMonthStrictly() {
        CompiledMapping cm = compile(mapping(new Formats("dd.MM.yyyy", null, false)));
        List<RowProblem> problems = new ArrayList<>();
        Object[] out = convert(cm, problems, "a@example.com", "", "", "29.02.2024", "30.04.2024 23:59", "", "", "", "", "");
        assertThat(problems).isEmpty();
        assertThat(value(cm, out, "birthdate")).isEqualTo(LocalDate.of(2024, 2, 29));
        assertThat(value(cm, out, "met_at")).isEqualTo(OffsetDateTime.parse("2024-04-30T23:59:00Z"));
    }

    @Test
    void convertsEveryTypeWithTheFilesFormats() {
        TimeZone before = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone("Pacific/Kiritimati"));
        try {
            CompiledMapping cm = compile(mapping(new Formats("dd.MM.yyyy", Formats.zone("Europe/Berlin"), true),
                    ColumnMapping.of("Level", "level")));
            List<RowProblem> problems = new ArrayList<>();
            Object[] out = convert(cm, problems, " Ann@Example.COM ", "vp", "ja", "01.03.1990", "01.03.2026 09:30",
                    "1.234,5", "cloud; Security;cloud", "Acme GmbH", "Owner@Example.com", "C-1");
            assertThat(problems).isEmpty();
            assertThat(value(cm, out, "email")).isEqualTo("ann@example.com");
            assertThat(value(cm, out, "level")).isEqualTo("VP");
            assertThat(value(cm, out, "is_decision_maker")).isEqualTo(true);
            assertThat(value(cm, out, "birthdate")).isEqualTo(LocalDate.of(1990, 3, 1));
            assertThat(value(cm, out, "met_at")).isEqualTo(OffsetDateTime.parse("2026-03-01T08:30:00Z"));
            assertThat((BigDecimal) value(cm, out, "score")).isEqualByComparingTo("1234.5");
            assertThat(value(cm, out, "interests")).isEqualTo(List.of("Cloud", "Security"));
            assertThat(value(cm, out, "account_id")).isEqualTo(new Ref(LookupBy.NAME, "Acme GmbH"));
            assertThat(value(cm, out, "owner_id")).isEqualTo(new Ref(LookupBy.EMAIL, "owner@example.com"));
            assertThat(value(cm, out, "external_id")).isEqualTo("C-1");
            assertThat(value(cm, out, "last_name")).isEqualTo("Unknown");
            assertThat(cm.ignoredColumns()).isEmpty();
        } finally {
            TimeZone.setDefault(before);
        }
    }

    @Test
    void isoDatesAreStoredAsTheCalendarDayWrittenWhateverTheZones() {
        CompiledMapping cm = compile(mapping(new Formats(null, Formats.zone("America/Los_Angeles"), false)));
        List<RowProblem> problems = new ArrayList<>();
        Object[] out = convert(cm, problems, "a@b.co", "", "no", "1990-03-01T00:00:00Z", "2026-03-01 09:30", "1,234.50",
                "", "", "", "");
        assertThat(problems).isEmpty();
        assertThat(value(cm, out, "birthdate")).isEqualTo(LocalDate.of(1990, 3, 1));
        assertThat(value(cm, out, "met_at")).isEqualTo(OffsetDateTime.parse("2026-03-01T17:30:00Z"));
        assertThat((BigDecimal) value(cm, out, "score")).isEqualByComparingTo("1234.5");
        assertThat(value(cm, out, "interests")).isNull();
    }

    @Test
    void everyBadValueIsReportedWithRowColumnValueAndExpectedForm() {
        CompiledMapping cm = compile(mapping(Formats.DEFAULT, ColumnMapping.of("Level", "level")));
        List<RowProblem> problems = new ArrayList<>();
        convert(cm, problems, "not-an-email", "Boss", "maybe", "03/01/1990", "yesterday", "1,5", "Cloud;Crypto", "", "", "");
        assertThat(problems).extracting(RowProblem::column).containsExactly("Email", "Level", "Decision maker", "Birthdate",
                "Met", "Score", "Interests");
        assertThat(problems).allMatch(p -> p.row() == 7);
        assertThat(problems.get(1).message()).contains("\"Boss\" is not allowed in Seniority Level: expected one of C-level, VP");
        assertThat(problems.get(3).message()).contains("expected YYYY-MM-DD", "date-format option");
        assertThat(problems.get(5).message()).contains("decimal-comma");
        assertThat(problems.get(6).value()).isEqualTo("Cloud;Crypto");
        assertThat(problems.get(6).describe()).startsWith("Row 7, column \"Interests\": \"Crypto\" is not allowed");
    }

    @Test
    void unknownValuesCanFallBackToADefaultOrBlank() {
        CompiledMapping cm = compile(mapping(Formats.DEFAULT,
                new ColumnMapping("Level", "level", null, null, Unknown.of("default", "Manager"))));
        List<RowProblem> problems = new ArrayList<>();
        Object[] out = convert(cm, problems, "a@b.co", "Boss", "", "", "", "", "", "", "", "");
        assertThat(problems).isEmpty();
        assertThat(value(cm, out, "level")).isEqualTo("Manager");
        CompiledMapping blank = compile(mapping(Formats.DEFAULT, new ColumnMapping("Level", "level", null, null,
                Unknown.of("blank", null))));
        assertThat(value(blank, convert(blank, problems, "a@b.co", "Boss"), "level")).isNull();
        assertThat(problems).isEmpty();
    }

    @Test
    void aMappingThatDoesNotFitTheFileSaysEverythingWrongAtOnce() {
        Mapping bad = new Mapping("contact", List.of(ColumnMapping.of("E-mail", "email"), ColumnMapping.of("Email", "emial"),
                ColumnMapping.of("Level", "title"), ColumnMapping.of("Score", "title"),
                ColumnMapping.lookup("Owner", "owner_id", LookupBy.NAME)), Map.of(), Formats.DEFAULT);
        assertThatThrownBy(() -> compile(bad)).isInstanceOf(HotCrmException.class)
                .hasMessageContaining("uses the column \"E-mail\", which the file does not have")
                .hasMessageContaining("no field \"emial\". Did you mean \"email\"?")
                .hasMessageContaining("title is mapped twice")
                .hasMessageContaining("Owners (owner_id) are found by email, external_id or id, not by name")
                .hasMessageContaining("The file's columns are: Email, Level");
    }

    @Test
    void importFormatOverridesKeepTheMappingsOtherSettings() {
        Formats saved = new Formats("dd.MM.yyyy", Formats.zone("Europe/Berlin"), true);
        assertThat(new Formats.Overrides("yyyy/MM/dd", null, null).applyTo(saved))
                .isEqualTo(new Formats("yyyy/MM/dd", Formats.zone("Europe/Berlin"), true));
        assertThat(Formats.Overrides.all(Formats.DEFAULT).applyTo(saved)).isEqualTo(new Formats("dd.MM.yyyy",
                java.time.ZoneOffset.UTC, false));
    }

    @Test
    void mappingsRoundTripThroughJsonAndTheShortForm() {
        Mapping m = mapping(new Formats("dd/MM/yyyy", Formats.zone("Europe/Paris"), true),
                new ColumnMapping("Level", "level", null, null, Unknown.of("default", "VP")));
        assertThat(Mapping.parse(m.toJson(), "test")).isEqualTo(m);
        Mapping shortForm = Mapping.parse("{\"columns\": {\"Email\": \"email\", \"Company\": \"account_id:name\", \"X\": null}}",
                "file m.json");
        assertThat(shortForm.columns()).containsExactly(ColumnMapping.of("Email", "email"),
                ColumnMapping.lookup("Company", "account_id", LookupBy.NAME), ColumnMapping.of("X", null));
        assertThatThrownBy(() -> Mapping.parse("{\"columns\": [", "file m.json"))
                .hasMessageContaining("The mapping file m.json is not valid JSON");
    }
}

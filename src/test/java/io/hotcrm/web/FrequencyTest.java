package io.hotcrm.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotcrm.common.HotCrmException;
import io.hotcrm.jobs.Jobs;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The scheduled-export form's presets and filter rows: what cron and ObjectQL they write, and reading them back. */
class FrequencyTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private static ZonedDateTime next(String cron) {
        return Jobs.nextRun(cron, BERLIN, Instant.parse("2026-12-02T10:00:00Z")).atZone(BERLIN);
    }

    @Test
    void presetsWriteCronsThatFireWhenTheySay() {
        Frequency weekly = new Frequency("weekly", "0", "04:15", "2", "1", "");
        assertThat(weekly.toCron()).isEqualTo("15 4 * * 2");
        ZonedDateTime at = next(weekly.toCron());
        assertThat(at.getDayOfWeek()).isEqualTo(DayOfWeek.TUESDAY);
        assertThat(at.toLocalTime().toString()).isEqualTo("04:15");
        Frequency sunday = new Frequency("weekly", "0", "23:00", "0", "1", "");
        assertThat(next(sunday.toCron()).getDayOfWeek()).isEqualTo(DayOfWeek.SUNDAY);
        assertThat(new Frequency("hourly", "7", "", "", "", "").toCron()).isEqualTo("7 * * * *");
        assertThat(new Frequency("daily", "0", "17:30", "", "", "").toCron()).isEqualTo("30 17 * * *");
        Frequency monthly = new Frequency("monthly", "0", "06:00", "", "28", "");
        assertThat(next(monthly.toCron()).getDayOfMonth()).isEqualTo(28);
        assertThat(new Frequency("custom", "", "", "", "", " 0 2 * * 1-5 ").toCron()).isEqualTo("0 2 * * 1-5");
    }

    @Test
    void aCronReadsBackAsItsPresetElseAsCustom() {
        for (String cron : List.of("7 * * * *", "30 17 * * *", "15 4 * * 2", "0 6 28 * *")) {
            assertThat(Frequency.of(cron).toCron()).isEqualTo(cron);
            assertThat(Frequency.of(cron).kind()).isNotEqualTo("custom");
        }
        assertThat(Frequency.of("0 2 * * 1-5").kind()).isEqualTo("custom");
        assertThat(Frequency.of("0 2 31 * *").kind()).isEqualTo("custom");
        assertThat(Frequency.of("15 4 * * 2").describe()).isEqualTo("every Tuesday at 04:15");
    }

    @Test
    void outOfRangeChoicesAreRefusedWithWhatIsExpected() {
        assertThatThrownBy(() -> new Frequency("daily", "0", "25:00", "", "", "").toCron()).isInstanceOf(HotCrmException.class)
                .hasMessageContaining("The hour must be a number from 0 to 23");
        assertThatThrownBy(() -> new Frequency("monthly", "0", "02:00", "", "31", "").toCron())
                .hasMessageContaining("The day of the month must be a number from 1 to 28");
        assertThatThrownBy(() -> new Frequency("daily", "0", "2pm", "", "", "").toCron()).hasMessageContaining("like 02:00");
    }

    @Test
    void filterRowsWriteObjectQlAndReadBackWhenSimple() {
        String where = FilterRows.toWhere(List.of(new FilterRows.Row("company", "$startsWith", "Drop"),
                new FilterRows.Row("", "$eq", "ignored"), new FilterRows.Row("email", "filled", "")));
        assertThat(where).isEqualTo("{\"$and\":[{\"company\":{\"$startsWith\":\"Drop\"}},{\"email\":{\"$null\":false}}]}");
        assertThat(io.hotcrm.query.ObjectQl.parseWhere(where)).isNotNull();
        assertThat(FilterRows.fromWhere(where)).containsExactly(new FilterRows.Row("company", "$startsWith", "Drop"),
                new FilterRows.Row("email", "filled", ""));
        assertThat(FilterRows.fromWhere("{\"industry\": \"Retail\"}")).containsExactly(new FilterRows.Row("industry", "$eq", "Retail"));
        assertThat(FilterRows.fromWhere("{\"$or\": [{\"a\": 1}, {\"b\": 2}]}")).isNull();
        assertThat(FilterRows.toWhere(List.of())).isNull();
        assertThatThrownBy(() -> FilterRows.toWhere(List.of(new FilterRows.Row("company", "$eq", " "))))
                .hasMessageContaining("The filter on company needs a value");
    }
}

package io.hotcrm.importing.excel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotcrm.common.HotCrmException;
import io.hotcrm.importing.Source;
import io.hotcrm.importing.SourceFormat;
import io.hotcrm.importing.SourceOptions;
import io.hotcrm.importing.SourceRow;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Workbooks as people send them: sheets, date cells, formulas, and files that are not what they claim. */
class ExcelFormatsTest {
    static Path fixture(String name) {
        try {
            return Path.of(ExcelFormatsTest.class.getResource("/io/hotcrm/importing/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<SourceRow> rows(Source s) throws IOException {
        List<SourceRow> out = new ArrayList<>();
        SourceRow r;
        while ((r = s.next()) != null) {
            out.add(r);
        }
        return out;
    }

    @Test
    void xlsxSheetIsPickedByNameAndCellsAreReadAsTheyShow() throws IOException {
        SourceFormat xlsx = new XlsxFormat();
        assertThat(xlsx.accepts("contacts.xlsx", Files.readAllBytes(fixture("contacts.xlsx")))).isTrue();
        try (Source s = xlsx.open(fixture("contacts.xlsx"), "contacts.xlsx", new SourceOptions(null, null, "contacts"))) {
            assertThat(s.sheets()).containsExactly("Read me", "Contacts");
            assertThat(s.headers()).containsExactly("external_id", "last_name", "Last Contact Date", "Met At", "Score",
                    "Decision Maker", "Double Score");
            assertThat(s.rows()).isEqualTo(2);
            assertThat(s.description()).contains("sheet \"Contacts\" (2 of 2)");
            List<SourceRow> rows = rows(s);
            assertThat(rows).extracting(SourceRow::number).containsExactly(2L, 4L);
            assertThat(rows.get(0).values()).containsExactly("C-1", "Müller", "2026-03-01", "2026-03-01T09:30:00", "42", "true", "84");
            assertThat(rows.get(1).values()).containsExactly("C-2", "Nguyễn Văn", "2000-01-01", "", "1234.5", "false", "2469");
        }
        assertThatThrownBy(() -> xlsx.open(fixture("contacts.xlsx"), "contacts.xlsx", SourceOptions.DETECT))
                .hasMessageContaining("sheet \"Read me\" of contacts.xlsx has a header row but no rows");
        assertThatThrownBy(() -> xlsx.open(fixture("contacts.xlsx"), "contacts.xlsx", new SourceOptions(null, null, "Leads")))
                .hasMessageContaining("has no sheet \"Leads\". Its sheets: Read me, Contacts");
    }

    @Test
    void legacyXlsIsReadWithDatesAndFormulas() throws IOException {
        SourceFormat xls = new XlsFormat();
        assertThat(xls.accepts("leads.xls", Files.readAllBytes(fixture("leads.xls")))).isTrue();
        try (Source s = xls.open(fixture("leads.xls"), "leads.xls", SourceOptions.DETECT)) {
            assertThat(s.headers()).containsExactly("External ID", "Last Name", "Company", "Annual Revenue", "Pool Entry",
                    "Status", "Double");
            List<SourceRow> rows = rows(s);
            assertThat(rows.get(0).values()).containsExactly("X-1", "Ødegård", "Fjord AS", "1500000", "2025-12-31", "open", "");
            assertThat(rows.get(1).values()).containsExactly("X-2", "Smith", "Acme", "42.5", "2026-01-02", "Working", "85");
            assertThat(rows.get(1).number()).isEqualTo(3);
        }
    }

    @Test
    void aZipBombRenamedXlsxIsRefusedBeforeItExpands() {
        assertThatThrownBy(() -> new XlsxFormat().open(fixture("zip-bomb.xlsx"), "report.xlsx", SourceOptions.DETECT))
                .isInstanceOf(HotCrmException.class).hasMessageContaining("refused as a possible zip bomb");
        assertThatThrownBy(() -> new XlsxFormat().open(fixture("not-a-workbook.xlsx"), "x.xlsx", SourceOptions.DETECT))
                .hasMessageContaining("not a readable .xlsx workbook (it has no xl/workbook.xml");
        assertThatThrownBy(() -> new XlsFormat().open(fixture("pipes.csv"), "pipes.xls", SourceOptions.DETECT))
                .hasMessageContaining("not a readable .xls workbook");
    }
}

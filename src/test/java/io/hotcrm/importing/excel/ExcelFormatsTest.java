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

    /** A minimal workbook written by hand, as some tools do: one sheet of inline strings, parts given or replaced. */
    static Path workbook(Path dir, String name, java.util.Map<String, String> replace, boolean styles) throws IOException {
        java.util.Map<String, String> parts = new java.util.LinkedHashMap<>();
        parts.put("[Content_Types].xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
                + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
                + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
                + "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
                + "<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
                + (styles ? "<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>" : "")
                + "</Types>");
        parts.put("_rels/.rels", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                + "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>");
        parts.put("xl/workbook.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
                + " xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"Contacts\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>");
        parts.put("xl/_rels/workbook.xml.rels", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                + "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
                + (styles ? "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>" : "")
                + "</Relationships>");
        parts.put("xl/worksheets/sheet1.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
                + "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>external_id</t></is></c><c r=\"B1\" t=\"inlineStr\"><is><t>last_name</t></is></c></row>"
                + "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>W-1</t></is></c><c r=\"B2\" t=\"inlineStr\"><is><t>Hand</t></is></c></row>"
                + "</sheetData></worksheet>");
        if (styles) {
            parts.put("xl/styles.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
                    + "<cellXfs count=\"1\"><xf numFmtId=\"0\"/></cellXfs></styleSheet>");
        }
        parts.putAll(replace);
        Path f = dir.resolve(name);
        try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(Files.newOutputStream(f))) {
            for (var e : parts.entrySet()) {
                z.putNextEntry(new java.util.zip.ZipEntry(e.getKey()));
                z.write(e.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                z.closeEntry();
            }
        }
        return f;
    }

    @Test
    void workbooksWithEntitiesMissingStylesOrBrokenPartsGetAClearMessage(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        SourceFormat xlsx = new XlsxFormat();
        Path plain = workbook(dir, "plain.xlsx", java.util.Map.of(), true);
        try (Source s = xlsx.open(plain, "plain.xlsx", SourceOptions.DETECT)) {
            assertThat(rows(s)).singleElement().satisfies(r -> assertThat(r.values()).containsExactly("W-1", "Hand"));
        }
        Path noStyles = workbook(dir, "no-styles.xlsx", java.util.Map.of(), false);
        try (Source s = xlsx.open(noStyles, "no-styles.xlsx", SourceOptions.DETECT)) {
            assertThat(rows(s)).singleElement().satisfies(r -> assertThat(r.values()).containsExactly("W-1", "Hand"));
        }
        Path xxe = workbook(dir, "xxe.xlsx", java.util.Map.of("xl/worksheets/sheet1.xml", "<?xml version=\"1.0\"?>"
                + "<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
                + "<sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>external_id</t></is></c></row><row r=\"2\"><c r=\"A2\" t=\"inlineStr\">"
                + "<is><t>&xxe;</t></is></c></row></sheetData></worksheet>"), true);
        assertThatThrownBy(() -> xlsx.open(xxe, "xxe.xlsx", SourceOptions.DETECT)).isInstanceOf(HotCrmException.class)
                .hasMessage("The workbook xxe.xlsx declares a document type in xl/worksheets/sheet1.xml, which Excel never writes"
                        + " and which can hide entity expansion or references to other files; it was refused. Open it in Excel and"
                        + " save it again, or save the sheet as CSV.");
        StringBuilder lol = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">");
        for (int i = 1; i < 10; i++) {
            lol.append("<!ENTITY lol").append(i).append(" \"").append(("&lol" + (i == 1 ? "" : i - 1) + ";").repeat(10)).append("\">");
        }
        lol.append("]><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheets><sheet name=\"&lol9;\"/></sheets></workbook>");
        Path laughs = workbook(dir, "laughs.xlsx", java.util.Map.of("xl/workbook.xml", lol.toString()), true);
        assertThatThrownBy(() -> xlsx.open(laughs, "laughs.xlsx", SourceOptions.DETECT)).isInstanceOf(HotCrmException.class)
                .hasMessageContaining("declares a document type in xl/workbook.xml");
        Path broken = workbook(dir, "broken.xlsx", java.util.Map.of("xl/worksheets/sheet1.xml", "<?xml version=\"1.0\"?>"
                + "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\">"
                + "<is><t>external_id</t></is></c></row><row r=\"2\"><c r=\"A2\"><v>1</v></row></sheetData>"), true);
        assertThatThrownBy(() -> {
            try (Source s = xlsx.open(broken, "broken.xlsx", SourceOptions.DETECT)) {
                rows(s);
            }
        }).isInstanceOf(HotCrmException.class).hasMessageStartingWith("The file broken.xlsx is not a readable .xlsx workbook")
                .hasMessageEndingWith("Open it in Excel and save it again, or save the sheet as CSV.")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("Exception", "javax.", "com.ctc"));
    }
}

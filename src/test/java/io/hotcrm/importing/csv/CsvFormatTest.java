package io.hotcrm.importing.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotcrm.common.HotCrmException;
import io.hotcrm.importing.Source;
import io.hotcrm.importing.SourceOptions;
import io.hotcrm.importing.SourceRow;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CSV files as people send them: encodings, delimiters, quotes, and files that cannot be imported. */
class CsvFormatTest {
    final CsvFormat csv = new CsvFormat();

    static Path fixture(String name) {
        try {
            return Path.of(CsvFormatTest.class.getResource("/io/hotcrm/importing/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    record Read(Source source, List<SourceRow> rows) {
    }

    Read read(String name, SourceOptions options) throws IOException {
        try (Source s = csv.open(fixture(name), name, options)) {
            List<SourceRow> rows = new ArrayList<>();
            SourceRow r;
            while ((r = s.next()) != null) {
                rows.add(r);
            }
            return new Read(s, rows);
        }
    }

    @Test
    void utf8WithBomAndSemicolonsIsDetected() throws IOException {
        Read r = read("contacts-bom-semicolon.csv", SourceOptions.DETECT);
        assertThat(r.source().headers()).containsExactly("External ID", "First Name", "Last Name", "E-mail", "Score", "Level");
        assertThat(r.source().description()).startsWith("CSV, UTF-8 with BOM, semicolon-separated, 6 columns, 2 rows");
        assertThat(r.rows()).hasSize(2);
        assertThat(r.rows().get(0).values()).containsExactly("C-1", "Zoë", "Müller", "zoe@example.com", "1.234,5", "VP");
        assertThat(r.rows().get(1).values()[2]).isEqualTo("García; Jr.");
        assertThat(r.rows().get(1).number()).isEqualTo(3);
    }

    @Test
    void windows1252IsDetectedWhenTheBytesAreNotUtf8() throws IOException {
        Read r = read("latin1.csv", SourceOptions.DETECT);
        assertThat(r.source().description()).contains("Windows-1252 (detected: line 2 is not UTF-8)");
        assertThat(r.rows().get(0).values()).containsExactly("L-1", "Renée", "Ødegård", "Preis 5 €");
        assertThat(r.rows().get(1).values()[3]).isEqualTo("ça va, merci");
        Read given = read("latin1.csv", new SourceOptions(null, SourceOptions.encoding("ISO-8859-1"), null));
        assertThat(given.rows().get(0).values()[1]).isEqualTo("Renée");
        assertThatThrownBy(() -> read("latin1.csv", new SourceOptions(null, StandardCharsets.UTF_8, null)))
                .hasMessageContaining("is not UTF-8: line 2").hasMessageContaining("--encoding windows-1252");
    }

    @Test
    void quotedNewlinesCountAsOneRowAndRowNumbersAreLines() throws IOException {
        Read r = read("quoted-newlines.csv", SourceOptions.DETECT);
        assertThat(r.source().rows()).isEqualTo(3);
        assertThat(r.rows()).extracting(SourceRow::number).containsExactly(2L, 5L, 8L);
        assertThat(r.rows().get(0).values()[2]).isEqualTo("Line one\nLine two, with comma");
        assertThat(r.rows().get(1).values()[1]).isEqualTo("Say \"hi\"");
        assertThat(r.rows().get(1).values()[2]).isEqualTo("Multi\r\nline\r\nthree");
        assertThat(r.rows().get(2).values()).containsExactly("Q-3", "Lee", "plain");
    }

    @Test
    void oldMacLineEndingsCountAsManyRowsAsAreImported(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        for (String eol : List.of("\r", "\n", "\r\n")) {
            Path f = Files.writeString(dir.resolve("eol.csv"), String.join(eol, "external_id,last_name", "A-1,One",
                    "\"A-2\",\"Two" + eol + "lines\"", "A-3,Three") + eol);
            try (Source s = csv.open(f, "eol.csv", SourceOptions.DETECT)) {
                List<SourceRow> rows = new ArrayList<>();
                SourceRow r;
                while ((r = s.next()) != null) {
                    rows.add(r);
                }
                assertThat(s.rows()).as("rows counted with %s", eol.replace("\r", "CR").replace("\n", "LF")).isEqualTo(3);
                assertThat(rows).extracting(x -> x.values()[0]).containsExactly("A-1", "A-2", "A-3");
                assertThat(rows).extracting(SourceRow::number).containsExactly(2L, 3L, 5L);
            }
        }
    }

    @Test
    void utf16WithBomAndTabsAsExcelSavesUnicodeText() throws IOException {
        Read r = read("unicode-text-utf16.txt", SourceOptions.DETECT);
        assertThat(r.source().description()).contains("UTF-16LE with BOM, tab-separated");
        assertThat(r.rows().get(0).values()).containsExactly("U-1", "Иванова", "Москва");
        assertThat(r.rows().get(1).values()).containsExactly("U-2", "李", "北京");
    }

    @Test
    void pipesAndAGivenDelimiter() throws IOException {
        assertThat(read("pipes.csv", SourceOptions.DETECT).rows().get(1).values()).containsExactly("P-2", "Jones", "VP|Sales");
        Read asComma = read("pipes.csv", new SourceOptions(',', null, null));
        assertThat(asComma.source().headers()).containsExactly("external_id|last_name|title");
    }

    @Test
    void aFortyThousandCharacterFieldIsReadWhole() throws IOException {
        Read r = read("long-field.csv", SourceOptions.DETECT);
        assertThat(r.rows().get(0).values()[2]).hasSize(40_000);
        assertThat(r.rows().get(1).values()[0]).isEqualTo("X-2");
    }

    @Test
    void filesThatCannotBeImportedSaySoClearly() {
        assertThatThrownBy(() -> read("unbalanced-quote.csv", SourceOptions.DETECT)).isInstanceOf(HotCrmException.class)
                .hasMessageContaining("never closed: it opens with \" on line 3");
        assertThatThrownBy(() -> read("empty.csv", SourceOptions.DETECT)).hasMessageContaining("empty.csv is empty");
        assertThatThrownBy(() -> read("header-only.csv", SourceOptions.DETECT))
                .hasMessageContaining("has a header but no rows");
        assertThatThrownBy(() -> read("duplicate-headers.csv", SourceOptions.DETECT))
                .hasMessageContaining("\"email\" (columns 2 and 4)");
        assertThatThrownBy(() -> read("binary.csv", SourceOptions.DETECT))
                .hasMessageContaining("not a CSV file: it contains binary data");
    }

    @Test
    void spreadsheetsAreLeftToTheirOwnFormats() throws IOException {
        assertThat(csv.accepts("x.csv", new byte[] {'P', 'K', 3, 4})).isFalse();
        assertThat(csv.accepts("x.csv", new byte[] {(byte) 0xD0, (byte) 0xCF, 0x11, (byte) 0xE0})).isFalse();
        assertThat(csv.accepts("x.csv", Files.readAllBytes(fixture("pipes.csv")))).isTrue();
    }
}

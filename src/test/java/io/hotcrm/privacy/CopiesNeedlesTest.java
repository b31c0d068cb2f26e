package io.hotcrm.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotcrm.common.TextSearch;
import java.io.StringReader;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** How copies recognise a person in text: emails in any case, phone numbers however written, record ids, across pieces. */
class CopiesNeedlesTest {
    final Copies.Needles maja = new Copies.Needles(Set.of(), Set.of("maja.jorgensen@example.org", "2020maja@example.dk"),
            Set.of("4520123456"));

    @Test
    void emailsInAnyCaseAndPhonesHoweverWritten() {
        assertThat(maja.test("Spoke with MAJA.Jorgensen@Example.org today")).isTrue();
        assertThat(maja.test("x,2020Maja@example.dk,y")).isTrue();
        assertThat(maja.test("call +45 20 12 34 56 after ten")).isTrue();
        assertThat(maja.test("(20) 12-34-56")).isTrue();
        assertThat(maja.test("0045.2012.3456")).isTrue();
        assertThat(maja.test("20123456")).isTrue();
        assertThat(maja.ascii()).isTrue();
    }

    @Test
    void othersAreNotHer() {
        assertThat(maja.test("maja.j@other.example, +45 99 88 77 66")).isFalse();
        assertThat(maja.test("jorgensen@example.org")).isFalse();
        assertThat(maja.test("2012345")).isFalse();
        assertThat(maja.test("20,12,34,56")).as("separate cells are separate numbers").isFalse();
        assertThat(maja.test("invoice 2026-12-01 amount 3456")).isFalse();
    }

    @Test
    void idsByTheirShapeAndValuesAcrossPieces() throws Exception {
        UUID id = UUID.fromString("01a234e6-82fb-7000-ba6c-8653bc11cd3b");
        var ids = TextSearch.ids(Set.of(id));
        assertThat(ids.test("a,01A234E6-82FB-7000-BA6C-8653BC11CD3B,b")).isTrue();
        assertThat(ids.test("a,01a234e6-82fb-7000-ba6c-8653bc11cd3c,b 2026-12-01-aaaa")).isFalse();
        // a value across the boundary of two 1 M pieces is still found
        String before = "x".repeat((1 << 20) - 10);
        assertThat(TextSearch.anyPiece(new StringReader(before + "maja.jorgensen@example.org and more"), maja, 512)).isTrue();
        assertThat(TextSearch.anyPiece(new StringReader(before + "nobody here"), maja, 512)).isFalse();
    }
}

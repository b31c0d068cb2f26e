package io.hotcrm.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PicksTest {
    @Test
    void theStoredTextIsSplitIntoItsValuesWithoutEmptyOnes() {
        assertThat(Picks.of("Golf;Sailing")).containsExactly("Golf", "Sailing").isEqualTo(List.of("Golf", "Sailing"));
        assertThat(Picks.of(";Golf;;Sailing;")).containsExactly("Golf", "Sailing").hasSameHashCodeAs(List.of("Golf", "Sailing"));
        assertThat(Picks.of("Golf")).containsExactly("Golf");
        assertThat(Picks.of("")).isEmpty();
        assertThat(Picks.of(";;")).isEmpty();
        assertThat(Picks.of("a b;Ünïcode, too;\"q\"")).containsExactly("a b", "Ünïcode, too", "\"q\"");
        assertThat(Picks.of(null)).isNull();
    }

    @Test
    void joinedIsTheStoredTextWhenItIsCleanAndRebuiltWhenNot() {
        String stored = "Golf;Sailing";
        assertThat(Picks.of(stored).joined()).isSameAs(stored);
        assertThat(Picks.of(";Golf;;Sailing;").joined()).isEqualTo("Golf;Sailing");
        assertThat(Picks.of(";").joined()).isEmpty();
        assertThat(Picks.of("").joined()).isEmpty();
        assertThat(ValueText.of(Picks.of("Golf;;Sailing"))).isEqualTo("Golf;Sailing");
        assertThat(ValueText.of(List.of("Golf", "Sailing"))).isEqualTo("Golf;Sailing");
    }

    @Test
    void itCannotBeChanged() {
        List<String> picks = Picks.of("Golf;Sailing");
        assertThatThrownBy(() -> picks.add("Chess")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> picks.set(0, "Chess")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(picks).containsExactly("Golf", "Sailing");
    }
}

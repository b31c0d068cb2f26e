package io.hotcrm.importing;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotcrm.mapping.RowProblem;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** An import's states and their transitions, and how its problems are grouped by kind. */
class ImportStateTest {
    @Test
    void statesMoveOnlyAlongTheirTransitions() {
        assertThat(ImportState.QUEUED.next()).contains(ImportState.RUNNING).doesNotContain(ImportState.UNDOING);
        assertThat(ImportState.UNDONE.next()).isEmpty();
        for (ImportState s : ImportState.values()) {
            assertThat(s.undoable()).as(s.id()).isEqualTo(s.next().contains(ImportState.UNDOING));
            assertThat(s.resumable()).as(s.id()).isEqualTo(s != ImportState.RUNNING && s.next().contains(ImportState.RUNNING));
            assertThat(ImportState.of(s.id())).isEqualTo(s);
        }
        assertThat(ImportState.fromSql(ImportState.RUNNING)).isEqualTo("'queued', 'failed', 'interrupted'");
        assertThat(EnumSet.allOf(ImportState.class).stream().filter(ImportState::ended))
                .containsExactlyInAnyOrder(ImportState.SUCCEEDED, ImportState.COMPLETED_WITH_FAILURES, ImportState.CANCELLED,
                        ImportState.UNDOING, ImportState.UNDONE);
        assertThat(ImportState.COMPLETED_WITH_FAILURES.describe(8)).isEqualTo("completed with 8 failed rows");
        assertThat(ImportState.COMPLETED_WITH_FAILURES.describe(1)).isEqualTo("completed with 1 failed row");
        assertThat(ImportState.SUCCEEDED.describe(0)).isEqualTo("succeeded");
    }

    @Test
    void problemsOfOneKindAreOneGroupWithACountAndTheirFirstRows() {
        ProblemGroups g = new ProblemGroups();
        for (int row = 2; row < 40; row++) {
            g.add(new RowProblem(row, "E-mail", "email", "x" + row, "\"x" + row + "\" is not an email address."), false);
        }
        g.add(new RowProblem(7, "Stage", "stage", "won", "\"won\" is not allowed in Stage: expected one of Open, Closed Won."), false);
        g.add(new RowProblem(9, "Stage", "stage", "closed won", "\"closed won\" was written as \"Closed Won\", the picklist's value."), true);
        g.add(new RowProblem(11, "Stage", "stage", "CLOSED WON", "\"CLOSED WON\" was written as \"Closed Won\", the picklist's value."), true);
        var groups = ProblemGroups.parse(g.toNode()).list();
        assertThat(groups).hasSize(3);
        assertThat(groups.get(0)).satisfies(e -> {
            assertThat(e.kind()).isEqualTo("error");
            assertThat(e.column()).isEqualTo("E-mail");
            assertThat(e.count()).isEqualTo(38);
            assertThat(e.rows()).containsExactly(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L);
            assertThat(e.message()).isEqualTo("\"x2\" is not an email address.");
        });
        assertThat(groups.get(2)).satisfies(e -> {
            assertThat(e.notice()).isTrue();
            assertThat(e.count()).isEqualTo(2);
            assertThat(e.rows()).containsExactly(9L, 11L);
        });
    }

    @Test
    void manyKindsStayAFewGroups() {
        ProblemGroups g = new ProblemGroups();
        for (int i = 0; i < 500; i++) {
            g.add(new RowProblem(i + 2, "Column " + i, "f", "v", "Wrong."), false);
        }
        var groups = g.list();
        assertThat(groups).hasSize(ProblemGroups.MAX_GROUPS + 1);
        assertThat(groups.stream().mapToLong(ImportSummary.ProblemGroup::count).sum()).isEqualTo(500);
        assertThat(groups).anyMatch(x -> x.message().equals("Other problems.") && x.count() == 500 - ProblemGroups.MAX_GROUPS);
    }
}

package io.hotcrm.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class IdMapTest {
    @Test
    void findsEveryRecordByIdAcrossGrowthAndNothingElse() {
        SplittableRandom r = new SplittableRandom(17);
        IdMap map = new IdMap();
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            // time-ordered ids as HotCRM makes them, and ids that differ only in one half
            UUID id = i % 3 == 0 ? new UUID(42, i) : i % 3 == 1 ? new UUID(i, 42) : new UUID(r.nextLong(), r.nextLong());
            ids.add(id);
            map.put(id, new Object[] {"name " + i});
        }
        assertThat(map.size()).isEqualTo(50_000);
        for (int i = 0; i < ids.size(); i++) {
            assertThat(map.get(ids.get(i))).containsExactly("name " + i);
            // a copy of the id finds it too: ids are compared by value
            UUID copy = new UUID(ids.get(i).getMostSignificantBits(), ids.get(i).getLeastSignificantBits());
            assertThat(map.get(copy)).containsExactly("name " + i);
        }
        assertThat(map.get(new UUID(43, 0))).isNull();
        assertThat(map.get(new UUID(r.nextLong(), r.nextLong()))).isNull();
        assertThat(map.get(ids.get(0).toString())).isNull();
        assertThat(map.get(null)).isNull();
        map.put(ids.get(7), new Object[] {"renamed"});
        assertThat(map.size()).isEqualTo(50_000);
        assertThat(map.get(ids.get(7))).containsExactly("renamed");
    }
}

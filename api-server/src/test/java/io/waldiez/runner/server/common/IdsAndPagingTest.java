package io.waldiez.runner.server.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IdsAndPagingTest {

    @Test
    void idsAreTimeOrdered32Hex() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            ids.add(Ids.newId());
        }
        assertThat(ids).allMatch(Ids::isId);
        assertThat(ids).isSorted().doesNotHaveDuplicates();
        assertThat(Ids.isId("0196A5C1E3F04B8F9A0C2D7E5B1F3A9C")).isFalse();
        assertThat(Ids.isId(null)).isFalse();
        assertThat(Ids.randomHex(32)).hasSize(64).matches("[0-9a-f]+");
    }

    @Test
    void pageMath() {
        PageParams p = new PageParams(null, null);
        assertThat(p.page()).isEqualTo(1);
        assertThat(p.size()).isEqualTo(50);
        assertThat(Page.of(List.of(), 0, p).pages()).isZero();
        Page<Integer> page = Page.of(List.of(1, 2), 101, new PageParams(3, 50));
        assertThat(page.pages()).isEqualTo(3);
        assertThat(new PageParams(3, 50).offset()).isEqualTo(100);
        assertThat(page.map(i -> "x" + i).items()).containsExactly("x1", "x2");
    }
}

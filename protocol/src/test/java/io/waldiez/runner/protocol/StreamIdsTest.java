package io.waldiez.runner.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StreamIdsTest {

    @Test
    void normalizesCursorsAndRejectsWhatIsNotAnId() {
        assertThat(StreamIds.normalize(" 123 ")).isEqualTo("123-0");
        assertThat(StreamIds.normalize("0007-02")).isEqualTo("7-2");
        assertThat(StreamIds.normalize("18446744073709551615-0")).isEqualTo("18446744073709551615-0");
        assertThat(StreamIds.normalize("18446744073709551616-0")).isNull();
        assertThat(StreamIds.normalize("1-2-3")).isNull();
        assertThat(StreamIds.normalize("$")).isNull();
        assertThat(StreamIds.normalize(null)).isNull();
    }

    @Test
    void ordersUnsignedAndFindsTheSuccessor() {
        assertThat(StreamIds.isAfter("10-0", "9-5")).isTrue();
        assertThat(StreamIds.isAfter("9-5", "9-5")).isFalse();
        assertThat(StreamIds.isAfter("1-0", null)).isTrue();
        assertThat(StreamIds.compare("18446744073709551615-0", "1-0")).isPositive();
        assertThat(StreamIds.successor("5-1")).isEqualTo("5-2");
        assertThat(StreamIds.successor("5-18446744073709551615")).isEqualTo("6-0");
    }

    @Test
    void partsTreatEmptyAsTheStart() {
        assertThat(StreamIds.parts(null)).containsExactly(0, 0);
        assertThat(StreamIds.parts("12-3")).containsExactly(12, 3);
        assertThatThrownBy(() -> StreamIds.parts("abc")).isInstanceOf(IllegalArgumentException.class);
    }
}

package io.waldiez.runner.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TaskAclTest {

    private static final String PASSWORD = "0123456789abcdef0123456789abcdef";

    @Test
    void aRunMayWriteTheHintStreamAndUseItsOwnKeysOnly() {
        List<String> rules = TaskAcl.setUserRules("abc", PASSWORD);
        assertThat(TaskAcl.userName("abc")).isEqualTo("task-abc");
        assertThat(rules).startsWith("reset", "on", ">" + PASSWORD, "resetchannels", "-@all");
        assertThat(rules).contains("%W~task-status", "+xadd");
        assertThat(rules.get(rules.size() - 1)).startsWith("(~task:abc:* +xadd +xread").endsWith(")");
        // no pattern grants another key, and nothing reads the hint stream
        assertThat(String.join(" ", rules)).doesNotContain("~*", "%R~", "allkeys", "+@");
    }

    @Test
    void badIdsAndShortPasswordsAreRefused() {
        assertThatThrownBy(() -> TaskAcl.userName("a*b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TaskAcl.setUserRules("a b", PASSWORD)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TaskAcl.setUserRules("abc", "short")).isInstanceOf(IllegalArgumentException.class);
    }
}

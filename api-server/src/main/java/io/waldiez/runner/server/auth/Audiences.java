package io.waldiez.runner.server.auth;

import java.util.List;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** The three token audiences of the original server and their Spring Security authorities. */
public final class Audiences {

    public static final String TASKS_API = "tasks-api";
    public static final String CLIENTS_API = "clients-api";
    public static final String ADMIN_API = "admin-api";
    public static final List<String> ALL = List.of(TASKS_API, CLIENTS_API, ADMIN_API);

    /** Authority prefix: a token for {@code tasks-api} carries the authority {@code AUD_tasks-api}. */
    public static final String AUTHORITY_PREFIX = "AUD_";

    private Audiences() {}

    /** False for null: a token with several audiences has no single one (List.of rejects null lookups). */
    public static boolean isKnown(String audience) {
        return audience != null && ALL.contains(audience);
    }

    public static String authority(String audience) {
        return AUTHORITY_PREFIX + audience;
    }

    public static String[] authorities(String... audiences) {
        String[] out = new String[audiences.length];
        for (int i = 0; i < audiences.length; i++) {
            out[i] = authority(audiences[i]);
        }
        return out;
    }

    static SimpleGrantedAuthority grantedAuthority(String audience) {
        return new SimpleGrantedAuthority(authority(audience));
    }
}

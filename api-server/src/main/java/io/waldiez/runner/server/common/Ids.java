package io.waldiez.runner.server.common;

import com.github.f4b6a3.ulid.UlidCreator;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Identifiers as the original server renders them: ULIDs as 32 lower-case hex characters. */
public final class Ids {

    private static final Pattern ULID_HEX = Pattern.compile("[0-9a-f]{32}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {}

    /** A new time-ordered id (monotonic within the same millisecond). */
    public static String newId() {
        return HexFormat.of().formatHex(UlidCreator.getMonotonicUlid().toBytes());
    }

    /** True if {@code value} looks like an id made by {@link #newId()}. */
    public static boolean isId(String value) {
        return value != null && ULID_HEX.matcher(value).matches();
    }

    /** {@code bytes} random bytes as lower-case hex (client ids: 32, client secrets: 64). */
    public static String randomHex(int bytes) {
        byte[] buf = new byte[bytes];
        RANDOM.nextBytes(buf);
        return HexFormat.of().formatHex(buf);
    }
}

package io.waldiez.runner.protocol;

import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Creates and deletes the per-run Redis ACL users of {@link TaskAcl} through a supervisor's own
 * connection (whose user needs the {@code acl} commands). The local launcher and the operator both
 * use it: a user is created when a run starts and deleted when it ends.
 */
public final class TaskRedisUsers {

    /** A run's credentials; the password is a secret: never log it or put it in a status. */
    public record Credentials(String username, String password) {
        @Override
        public String toString() {
            return "Credentials[" + username + ", ***]";
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String PROBE_TASK = "acl-probe";

    private final StatefulRedisConnection<String, String> connection;

    public TaskRedisUsers(StatefulRedisConnection<String, String> connection) {
        this.connection = connection;
    }

    /** A new random password for a run (32 random bytes, hex). */
    public static String newPassword() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** Creates (or resets) the user of {@code taskId} with a new random password. */
    public Credentials create(String taskId) {
        return create(taskId, newPassword());
    }

    /** Creates (or resets) the user of {@code taskId} with {@code password} (e.g. kept in a Secret). */
    public Credentials create(String taskId, String password) {
        CommandArgs<String, String> args = new CommandArgs<>(StringCodec.UTF8).add("SETUSER").add(TaskAcl.userName(taskId));
        TaskAcl.setUserRules(taskId, password).forEach(args::add);
        connection.sync().dispatch(CommandType.ACL, new StatusOutput<>(StringCodec.UTF8), args);
        return new Credentials(TaskAcl.userName(taskId), password);
    }

    /**
     * Deletes the user of {@code taskId}; Redis also closes that user's connections. True if it existed.
     */
    public boolean delete(String taskId) {
        Long n = connection.sync().dispatch(CommandType.ACL, new IntegerOutput<>(StringCodec.UTF8),
                new CommandArgs<>(StringCodec.UTF8).add("DELUSER").add(TaskAcl.userName(taskId)));
        return n != null && n > 0;
    }

    /**
     * Why runs cannot get their own users here (Redis older than 7, or this connection's user may not
     * manage ACLs), or empty when they can: a probe user is created and deleted.
     */
    public Optional<String> unavailableReason() {
        try {
            create(PROBE_TASK);
            delete(PROBE_TASK);
            return Optional.empty();
        } catch (RedisException e) {
            String msg = String.valueOf(e.getMessage());
            if (msg.contains("NOPERM")) {
                return Optional.of("the server's Redis user may not manage ACL users (it needs the acl commands): " + msg);
            }
            return Optional.of("Redis refused per-run ACL users (Redis 7 or newer is required): " + msg);
        }
    }
}

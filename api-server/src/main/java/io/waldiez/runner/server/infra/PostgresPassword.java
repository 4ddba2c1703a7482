package io.waldiez.runner.server.infra;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the embedded PostgreSQL require a password. zonky's {@code initdb} trusts every local
 * connection; a run's flow is untrusted code on the same machine, so a new cluster gets the role's
 * password and a {@code pg_hba.conf} of scram-sha-256 only, right after its first start (before any
 * run exists). Later starts find both in place.
 */
final class PostgresPassword {

    private static final Logger log = LoggerFactory.getLogger(PostgresPassword.class);
    static final String MARKER = "# waldiez-runner: passwords required";
    private static final String HBA = MARKER + "\n"
            + "# TYPE  DATABASE  USER  ADDRESS       METHOD\n"
            + "local   all       all                 scram-sha-256\n"
            + "host    all       all   127.0.0.1/32  scram-sha-256\n"
            + "host    all       all   ::1/128       scram-sha-256\n";

    private PostgresPassword() {
    }

    static void require(EmbeddedPostgres pg, Path dataDir, String password) {
        Path hba = dataDir.resolve("pg_hba.conf");
        try {
            if (Files.readString(hba, StandardCharsets.UTF_8).startsWith(MARKER)) {
                return;
            }
            try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
                st.execute("SET password_encryption = 'scram-sha-256'");
                st.execute("ALTER ROLE " + EmbeddedServices.POSTGRES_USER + " PASSWORD '" + password.replace("'", "''") + "'");
                Files.writeString(hba, HBA, StandardCharsets.UTF_8);
                st.execute("SELECT pg_reload_conf()");
            }
            log.info("Embedded PostgreSQL now requires a password (scram-sha-256)");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot secure the embedded PostgreSQL in " + dataDir, e);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot set the embedded PostgreSQL's password", e);
        }
    }
}

package io.waldiez.runner.server.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Local mode keeps its data: an embedded PostgreSQL restarted on the same directory sees old rows. */
class EmbeddedServicesTest {

    @TempDir
    Path dir;

    @Test
    void postgresDataSurvivesRestart() throws Exception {
        Path data = dir.resolve("pgdata");
        int port = EmbeddedServices.acquirePostgres(data, 0);
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "");
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE survive (v text)");
            s.execute("INSERT INTO survive VALUES ('kept')");
        }
        EmbeddedServices.releasePostgres(data);

        int again = EmbeddedServices.acquirePostgres(data, 0);
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + again + "/postgres", "postgres", "");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT v FROM survive")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("kept");
        } finally {
            EmbeddedServices.releasePostgres(data);
        }
    }

    @Test
    void redisIsSharedWhileReferencedAndStoppedAfterLastRelease() throws Exception {
        int port = EmbeddedServices.acquireRedis(0);
        int same = EmbeddedServices.acquireRedis(0);
        assertThat(same).isEqualTo(port);
        EmbeddedServices.releaseRedis(port);
        assertThat(pings(port)).isTrue();
        EmbeddedServices.releaseRedis(port);
        // Other test classes in this JVM may hold the shared server; only assert when we were the last.
    }

    private static boolean pings(int port) {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.getOutputStream().write("PING\r\n".getBytes());
            byte[] buf = new byte[7];
            int n = socket.getInputStream().read(buf);
            return n > 0 && new String(buf, 0, n).startsWith("+PONG");
        } catch (Exception e) {
            return false;
        }
    }
}

package io.waldiez.runner.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.waldiez.runner.server.clients.ClientRecord;
import io.waldiez.runner.server.common.Ids;
import io.waldiez.runner.server.support.ApiServerIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

/** Argon2id for new secrets; bcrypt and prefix-less hashes (the original's database) verify and upgrade. */
class PasswordHashingTest extends ApiServerIntegrationTest {

    @Autowired
    PasswordEncoder encoder;

    @Autowired
    JdbcClient jdbc;

    @Test
    void newHashesAreArgon2id() {
        String hash = encoder.encode("secret");
        assertThat(hash).startsWith("{argon2}$argon2id$v=19$");
        assertThat(encoder.matches("secret", hash)).isTrue();
        assertThat(encoder.matches("Secret", hash)).isFalse();
        assertThat(encoder.upgradeEncoding(hash)).isFalse();
    }

    @Test
    void legacyHashesVerify() {
        String bcrypt = new BCryptPasswordEncoder().encode("pw");
        String argon = new Argon2PasswordEncoder(16, 32, 1, 4096, 1).encode("pw");
        assertThat(encoder.matches("pw", "{bcrypt}" + bcrypt)).isTrue();
        assertThat(encoder.matches("pw", bcrypt)).isTrue();          // "$2a$..." as the original stores it
        assertThat(encoder.matches("pw", argon)).isTrue();           // "$argon2id$..." without prefix
        assertThat(encoder.matches("nope", bcrypt)).isFalse();
        assertThat(encoder.matches("pw", "scrypt$n=16384$garbage")).isFalse();
        assertThat(encoder.matches("pw", "plain")).isFalse();
        assertThat(encoder.upgradeEncoding(bcrypt)).isTrue();
        assertThat(encoder.upgradeEncoding("{bcrypt}" + bcrypt)).isTrue();
    }

    @Test
    void bcryptClientLogsInAndIsUpgraded() {
        TestClient c = newClient(Audiences.TASKS_API);
        String secret = "legacy-" + Ids.randomHex(8);
        jdbc.sql("UPDATE clients SET client_secret = :h WHERE id = :id")
                .param("h", new BCryptPasswordEncoder().encode(secret)).param("id", c.id()).update();
        var r = http().post().uri("/auth/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body("client_id=" + c.clientId() + "&client_secret=" + secret).retrieve().toBodilessEntity();
        assertThat(r.getStatusCode().value()).isEqualTo(200);
        ClientRecord row = clientService.findById(c.id()).orElseThrow();
        assertThat(row.clientSecret()).startsWith("{argon2}");
        assertThat(encoder.matches(secret, row.clientSecret())).isTrue();
    }
}

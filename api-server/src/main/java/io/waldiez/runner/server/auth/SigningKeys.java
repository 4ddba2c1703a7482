package io.waldiez.runner.server.auth;

import io.waldiez.runner.server.common.SecretFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Resolves the HS256 signing key: configured, or generated once and kept in the credentials dir. */
final class SigningKeys {

    static final String KEY_FILE = "jwt-secret.key";
    private static final int MIN_BYTES = 32;
    private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);

    private SigningKeys() {}

    static SecretKey resolve(AuthProperties props) {
        byte[] key;
        if (props.secretKey() != null && !props.secretKey().isBlank()) {
            // Raw UTF-8 bytes of the setting, as the original's SECRET_KEY.
            key = props.secretKey().getBytes(StandardCharsets.UTF_8);
        } else if (props.requireSecretKey()) {
            throw new IllegalStateException("waldiez.auth.secret-key is required (at least 32 bytes)");
        } else {
            key = loadOrGenerate(props.credentialsDir().resolve(KEY_FILE));
        }
        if (key.length < MIN_BYTES) {
            throw new IllegalStateException("waldiez.auth.secret-key must be at least 32 bytes long");
        }
        return new SecretKeySpec(key, "HmacSHA256");
    }

    private static byte[] loadOrGenerate(Path file) {
        boolean existed = Files.exists(file);
        byte[] random = new byte[64];
        new SecureRandom().nextBytes(random);
        String key = SecretFiles.loadOrCreate(file, Base64.getUrlEncoder().withoutPadding().encodeToString(random));
        if (existed) {
            log.info("Using the JWT signing key generated earlier in {}", file.toAbsolutePath());
        } else {
            log.info("No waldiez.auth.secret-key configured: generated a JWT signing key and stored it in {} "
                    + "(mode 0600) so tokens stay valid across restarts", file.toAbsolutePath());
        }
        return key.getBytes(StandardCharsets.UTF_8);
    }
}

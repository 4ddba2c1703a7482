package io.waldiez.runner.server.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
        try {
            if (Files.exists(file)) {
                log.info("Using the JWT signing key generated earlier in {}", file.toAbsolutePath());
                return Files.readString(file, StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8);
            }
            byte[] random = new byte[64];
            new SecureRandom().nextBytes(random);
            String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            Files.createDirectories(file.toAbsolutePath().getParent());
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (FileAlreadyExistsException raced) {
                return Files.readString(file, StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8);
            }
            Files.writeString(file, encoded, StandardCharsets.UTF_8);
            log.info("No waldiez.auth.secret-key configured: generated a JWT signing key and stored it in {} "
                    + "(mode 0600) so tokens stay valid across restarts", file.toAbsolutePath());
            return encoded.getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the JWT signing key file " + file, e);
        }
    }
}

package io.hotcrm.security;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Password hashing with PBKDF2-HMAC-SHA256 (600,000 iterations, 16-byte salt, as OWASP recommends for this
 * function), from the JDK. Stored as {@code pbkdf2-sha256$iterations$salt$hash} so the cost can rise later.
 * API tokens are random 256-bit secrets and are stored as plain SHA-256 digests ({@link #sha256}).
 */
final class PasswordHasher {
    static final int ITERATIONS = 600_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private PasswordHasher() {
    }

    static String hash(String password) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return "pbkdf2-sha256$" + ITERATIONS + "$" + b64(salt) + "$" + b64(derive(password, salt, ITERATIONS));
    }

    /**
     * A hash no password matches, checked in place of a missing one (an unknown email, a user without a
     * password), so a failed sign-in takes as long whether or not the account exists: timing tells no one
     * which emails have accounts.
     */
    private static final class Decoy {
        static final String HASH = hash(randomSecret(24));
    }

    static boolean verify(String password, String stored) {
        if (stored == null) {
            verify(password, Decoy.HASH);
            return false;
        }
        String[] parts = stored.split("\\$");
        if (parts.length != 4 || !parts[0].equals("pbkdf2-sha256")) {
            return false;
        }
        byte[] salt = Base64.getDecoder().decode(parts[2]);
        byte[] expected = Base64.getDecoder().decode(parts[3]);
        return MessageDigest.isEqual(expected, derive(password, salt, Integer.parseInt(parts[1])));
    }

    private static byte[] derive(String password, byte[] salt, int iterations) {
        try {
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available in this JDK", e);
        }
    }

    static String sha256(String secret) {
        return io.hotcrm.common.Digests.sha256Hex(secret);
    }

    static String randomSecret(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }
}

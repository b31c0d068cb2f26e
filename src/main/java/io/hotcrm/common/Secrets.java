package io.hotcrm.common;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts secrets kept in the database (destination passwords, keys, tokens) with AES-256-GCM under a key
 * from the environment ({@code HOTCRM_SECRET_KEY}: 32 random bytes, base64). Each value gets its own random
 * nonce; tampering is detected. Stored form: {@code v1:} + base64(nonce ‖ ciphertext ‖ tag).
 */
public final class Secrets {
    public static final String ENV = "HOTCRM_SECRET_KEY";
    private static final String PREFIX = "v1:";
    private static final SecureRandom RANDOM = new SecureRandom();
    private final SecretKeySpec key;

    private Secrets(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
    }

    /** The key given as base64 text, or an error that says how to make one. Null or blank: no key. */
    public static Secrets fromBase64(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        byte[] k;
        try {
            k = Base64.getDecoder().decode(text.trim());
        } catch (IllegalArgumentException e) {
            k = new byte[0];
        }
        if (k.length != 32) {
            throw new HotCrmException(ErrorCode.CONFIGURATION, ENV + " must be 32 random bytes in base64 (44 characters);"
                    + " make one with: openssl rand -base64 32");
        }
        return new Secrets(k);
    }

    public String encrypt(String plain) {
        try {
            byte[] nonce = new byte[12];
            RANDOM.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            byte[] sealed = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            return PREFIX + Base64.getEncoder().encodeToString(ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    public String decrypt(String stored) {
        if (stored == null || !stored.startsWith(PREFIX)) {
            throw new HotCrmException(ErrorCode.CONFIGURATION, "A stored secret is not in the expected encrypted form.");
        }
        try {
            byte[] all = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, all, 0, 12));
            return new String(c.doFinal(all, 12, all.length - 12), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new HotCrmException(ErrorCode.CONFIGURATION, "A stored secret cannot be decrypted: " + ENV
                    + " is not the key it was saved with. Restore the old key, or enter the credentials again.");
        }
    }

    public static boolean isEncrypted(String value) {
        return value != null && value.startsWith(PREFIX);
    }
}

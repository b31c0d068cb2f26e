package io.hotcrm.backup;

import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Client-side encryption of a backup with AES-256-GCM, in chunks so that neither writing nor reading holds more than one
 * chunk (1 MiB) in memory: a header — {@value #MAGIC}, an 8-byte random nonce prefix, and a key check (the GCM tag of
 * nothing, under the key) — then chunks, each a final flag, its length and its ciphertext, sealed with the prefix and
 * the chunk's number as nonce and the flag as associated data. A wrong key is known from the header, before anything is
 * read or written; a changed byte fails its chunk; an archive cut short lacks its final chunk.
 */
final class Sealed {
    static final String MAGIC = "HCBKENC1";
    /** The environment variable that holds the key: 32 bytes in base64 ({@code openssl rand -base64 32}). */
    static final String ENV = "HOTCRM_BACKUP_KEY";
    private static final int CHUNK = 1 << 20;
    private static final int TAG_BITS = 128;
    private static final int CHECK = -1;

    private Sealed() {
    }

    /** The key from its base64 text; a key of another length is refused, saying what is expected. */
    static byte[] key(String base64) {
        if (base64 == null || base64.isBlank()) {
            return null;
        }
        byte[] k;
        try {
            k = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            k = new byte[0];
        }
        if (k.length != 32) {
            throw new HotCrmException(ErrorCode.CONFIGURATION, ENV + " must be 32 bytes in base64 (make one with: openssl rand"
                    + " -base64 32); it is not.");
        }
        return k;
    }

    /** Whether the file starts as an encrypted backup does. */
    static boolean isSealed(byte[] head) {
        return head.length >= MAGIC.length() && new String(head, 0, MAGIC.length(), StandardCharsets.US_ASCII).equals(MAGIC);
    }

    static OutputStream seal(OutputStream out, byte[] key) throws IOException {
        byte[] prefix = new byte[8];
        new SecureRandom().nextBytes(prefix);
        out.write(MAGIC.getBytes(StandardCharsets.US_ASCII));
        out.write(prefix);
        out.write(crypt(Cipher.ENCRYPT_MODE, key, prefix, CHECK, false, new byte[0], 0));
        return new OutputStream() {
            private final byte[] buf = new byte[CHUNK];
            private int len;
            private int n;
            private boolean closed;

            @Override
            public void write(int b) throws IOException {
                if (len == CHUNK) {
                    chunk(false);
                }
                buf[len++] = (byte) b;
            }

            @Override
            public void write(byte[] b, int off, int l) throws IOException {
                while (l > 0) {
                    if (len == CHUNK) {
                        chunk(false);
                    }
                    int k = Math.min(l, CHUNK - len);
                    System.arraycopy(b, off, buf, len, k);
                    len += k;
                    off += k;
                    l -= k;
                }
            }

            private void chunk(boolean last) throws IOException {
                byte[] ct = crypt(Cipher.ENCRYPT_MODE, key, prefix, n++, last, buf, len);
                out.write(last ? 1 : 0);
                out.write(ByteBuffer.allocate(4).putInt(ct.length).array());
                out.write(ct);
                len = 0;
            }

            @Override
            public void flush() throws IOException {
                out.flush();
            }

            @Override
            public void close() throws IOException {
                if (!closed) {
                    closed = true;
                    chunk(true);
                    out.close();
                }
            }
        };
    }

    /** The backup's plain bytes; throws {@link WrongKey} at once when the key is not the one it was sealed with. */
    static InputStream open(InputStream raw, byte[] key) throws IOException {
        DataInputStream in = new DataInputStream(raw);
        byte[] magic = new byte[MAGIC.length()];
        in.readFully(magic);
        if (!isSealed(magic)) {
            throw new IOException("not an encrypted HotCRM backup");
        }
        byte[] prefix = new byte[8];
        in.readFully(prefix);
        byte[] check = new byte[TAG_BITS / 8];
        in.readFully(check);
        try {
            crypt(Cipher.DECRYPT_MODE, key, prefix, CHECK, false, check, check.length);
        } catch (IOException e) {
            throw new WrongKey();
        }
        return new InputStream() {
            private byte[] plain = new byte[0];
            private int at;
            private int n;
            private boolean last;

            private boolean fill() throws IOException {
                while (at == plain.length) {
                    if (last) {
                        return false;
                    }
                    int flag;
                    int length;
                    byte[] ct;
                    try {
                        flag = in.readUnsignedByte();
                        length = in.readInt();
                        if (length < 0 || length > CHUNK + TAG_BITS / 8) {
                            throw new IOException("the encrypted backup is damaged (chunk " + n + ")");
                        }
                        ct = new byte[length];
                        in.readFully(ct);
                    } catch (EOFException e) {
                        throw new EOFException("the encrypted backup is cut short (after chunk " + n + ")");
                    }
                    last = flag == 1;
                    plain = crypt(Cipher.DECRYPT_MODE, key, prefix, n++, last, ct, ct.length);
                    at = 0;
                }
                return true;
            }

            @Override
            public int read() throws IOException {
                return fill() ? plain[at++] & 0xFF : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                if (!fill()) {
                    return -1;
                }
                int k = Math.min(len, plain.length - at);
                System.arraycopy(plain, at, b, off, k);
                at += k;
                return k;
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }

    private static byte[] crypt(int mode, byte[] key, byte[] prefix, int n, boolean last, byte[] data, int len) throws IOException {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            byte[] nonce = Arrays.copyOf(prefix, 12);
            ByteBuffer.wrap(nonce, 8, 4).putInt(n);
            c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(new byte[] {(byte) (last ? 1 : 0)});
            return c.doFinal(data, 0, len);
        } catch (AEADBadTagException e) {
            throw new IOException("the encrypted backup is damaged or changed (chunk " + n + " fails its check)", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** The key given is not the one the backup was encrypted with. */
    static final class WrongKey extends IOException {
        WrongKey() {
            super("the key in " + ENV + " does not open this backup: it was encrypted with another key");
        }
    }
}

package io.hotcrm.destinations.sftp;

import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.destinations.Destination;
import io.hotcrm.destinations.DestinationKind;
import io.hotcrm.destinations.Destinations;
import io.hotcrm.destinations.Upload;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.common.SftpException;

/**
 * SFTP with a password or a private key (OpenSSH or PEM). Files are written as {@code .NAME.part} and renamed
 * when complete, so readers never see half a file. With {@code hostKeyFingerprint} set ({@code SHA256:…}), a
 * server presenting another key is refused; without it the key is accepted and its fingerprint shown by the
 * connection test, to be pinned.
 */
public final class SftpKind implements DestinationKind {
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    @Override
    public String type() {
        return "sftp";
    }

    @Override
    public List<Setting> settings() {
        return List.of(
                Setting.required("host", "the SFTP server's host name"),
                Setting.optional("port", "default 22"),
                Setting.required("username", "the user to log in as"),
                Setting.secret("password", false, "the password (or give privateKey)"),
                Setting.secret("privateKey", false, "a private key in OpenSSH or PEM form (instead of a password)"),
                Setting.secret("passphrase", false, "the private key's passphrase, if it has one"),
                Setting.optional("directory", "the directory files are written to (default: the login directory)"),
                Setting.optional("hostKeyFingerprint", "the server key's SHA256 fingerprint; a different key is refused"));
    }

    @Override
    public Destination open(Map<String, String> s) {
        if (blank(s.get("password")) && blank(s.get("privateKey"))) {
            throw HotCrmException.invalid("The sftp destination needs a password or a privateKey.");
        }
        int port = 22;
        if (!blank(s.get("port"))) {
            try {
                port = Integer.parseInt(s.get("port").trim());
            } catch (NumberFormatException e) {
                throw HotCrmException.invalid("port must be a number, not \"" + s.get("port") + "\".");
            }
        }
        return new Server(s.get("host").trim(), port, s.get("username").trim(), s.get("password"), s.get("privateKey"),
                s.get("passphrase"), blank(s.get("directory")) ? "" : s.get("directory").trim(),
                blank(s.get("hostKeyFingerprint")) ? null : s.get("hostKeyFingerprint").trim());
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    static final class Server implements Destination {
        private final String host;
        private final int port;
        private final String user;
        private final String password;
        private final String privateKey;
        private final String passphrase;
        private final String directory;
        private final String expectedFingerprint;
        private volatile String seenFingerprint;
        private SshClient client;
        private ClientSession session;
        private SftpClient sftp;

        Server(String host, int port, String user, String password, String privateKey, String passphrase, String directory,
               String expectedFingerprint) {
            this.host = host;
            this.port = port;
            this.user = user;
            this.password = password;
            this.privateKey = privateKey;
            this.passphrase = passphrase;
            this.directory = directory;
            this.expectedFingerprint = expectedFingerprint;
        }

        @Override
        public String describe() {
            return "sftp://" + user + "@" + host + ":" + port + (directory.startsWith("/") ? "" : "/") + directory
                    + (seenFingerprint == null ? "" : " (host key " + seenFingerprint + ")");
        }

        /** The server key's fingerprint seen on connecting, to pin as {@code hostKeyFingerprint}. */
        String hostKeyFingerprint() {
            return seenFingerprint;
        }

        private synchronized SftpClient sftp() {
            if (sftp != null && sftp.isOpen()) {
                return sftp;
            }
            close();
            client = SshClient.setUpDefaultClient();
            client.setServerKeyVerifier((clientSession, address, key) -> verify(key));
            client.start();
            try {
                session = client.connect(user, host, port).verify(TIMEOUT).getSession();
                if (!blank(privateKey)) {
                    for (KeyPair kp : keys()) {
                        session.addPublicKeyIdentity(kp);
                    }
                }
                if (!blank(password)) {
                    session.addPasswordIdentity(password);
                }
                session.auth().verify(TIMEOUT);
                sftp = SftpClientFactory.instance().createSftpClient(session);
                return sftp;
            } catch (IOException | RuntimeException e) {
                close();
                throw failure("connect to", e);
            }
        }

        private boolean verify(PublicKey key) {
            seenFingerprint = KeyUtils.getFingerPrint(key);
            return expectedFingerprint == null || expectedFingerprint.equals(seenFingerprint);
        }

        private Iterable<KeyPair> keys() throws IOException {
            try {
                return SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName("privateKey"),
                        new ByteArrayInputStream(privateKey.getBytes(StandardCharsets.UTF_8)),
                        passphrase == null ? null : (session, resource, index) -> passphrase);
            } catch (java.security.GeneralSecurityException e) {
                throw new IOException("the private key cannot be read: " + e.getMessage(), e);
            }
        }

        private HotCrmException failure(String what, Exception e) {
            String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            String hint;
            if (expectedFingerprint != null && seenFingerprint != null && !expectedFingerprint.equals(seenFingerprint)) {
                hint = " The server's host key is " + seenFingerprint + ", not the pinned " + expectedFingerprint
                        + ": if the server's key really changed, update hostKeyFingerprint.";
            } else if (e instanceof SshException && detail.toLowerCase(java.util.Locale.ROOT).contains("auth")) {
                hint = " The credentials were refused: check the username and password or key.";
            } else if (e instanceof SftpException) {
                hint = " Check that the directory exists and the user may write to it.";
            } else {
                hint = " Check the host, port and network.";
            }
            return new HotCrmException(ErrorCode.UNAVAILABLE, "Could not " + what + " " + describe() + ": " + detail + "." + hint, e);
        }

        private String path(String name) {
            if (directory.isEmpty()) {
                return name;
            }
            return directory.endsWith("/") ? directory + name : directory + "/" + name;
        }
        @Override
        public void test() {
            String probe = path(".hotcrm-probe-" + UUID.randomUUID());
            try {
                SftpClient c = sftp();
                if (!directory.isEmpty()) {
                    mkdirs(c, directory);
                }
                try (OutputStream out = c.write(probe)) {
                    out.write("HotCRM connection test".getBytes(StandardCharsets.UTF_8));
                }
                c.remove(probe);
            } catch (IOException e) {
                throw failure("write a test file to", e);
            }
        }

        @Override
        public Upload upload(String name) throws IOException {
            String target = path(Destinations.checkName(name));
            int slash = target.lastIndexOf('/');
            String part = (slash < 0 ? "" : target.substring(0, slash + 1)) + "." + target.substring(slash + 1) + ".part";
            SftpClient c = sftp();
            if (slash > 0) {
                mkdirs(c, target.substring(0, slash));
            }
            OutputStream out;
            try {
                out = c.write(part);
            } catch (IOException e) {
                throw new IOException(failure("start writing " + name + " to", e).getMessage(), e);
            }
            return new Upload() {
                boolean done;

                @Override
                public OutputStream stream() {
                    return out;
                }

                @Override
                public void commit() throws IOException {
                    try {
                        out.close();
                        try {
                            c.rename(part, target, SftpClient.CopyMode.Overwrite);
                        } catch (SftpException e) {
                            // servers without atomic overwrite: replace in two steps (the old file goes first)
                            c.remove(target);
                            c.rename(part, target);
                        }
                        done = true;
                    } catch (IOException e) {
                        abort();
                        throw new IOException(failure("finish uploading " + name + " to", e).getMessage(), e);
                    }
                }

                @Override
                public void abort() {
                    if (done) {
                        return;
                    }
                    done = true;
                    try {
                        out.close();
                    } catch (IOException e) {
                        // removed below
                    }
                    try {
                        c.remove(part);
                    } catch (IOException e) {
                        // a hidden .part file at worst; never under the real name
                    }
                }
            };
        }

        private static void mkdirs(SftpClient c, String dir) throws IOException {
            StringBuilder p = new StringBuilder(dir.startsWith("/") ? "/" : "");
            for (String seg : dir.split("/")) {
                if (seg.isEmpty()) {
                    continue;
                }
                p.append(seg);
                try {
                    c.stat(p.toString());
                } catch (SftpException e) {
                    c.mkdir(p.toString());
                }
                p.append('/');
            }
        }

        @Override
        public List<String> list() throws IOException {
            List<String> out = new ArrayList<>();
            walk(sftp(), directory.isEmpty() ? "." : directory, "", out);
            return out.stream().sorted().toList();
        }

        private static void walk(SftpClient c, String dir, String rel, List<String> out) throws IOException {
            for (SftpClient.DirEntry e : c.readDir(dir)) {
                String n = e.getFilename();
                if (n.equals(".") || n.equals("..") || n.startsWith(".")) {
                    continue;
                }
                if (e.getAttributes().isDirectory()) {
                    walk(c, dir + "/" + n, rel + n + "/", out);
                } else {
                    out.add(rel + n);
                }
            }
        }

        @Override
        public InputStream open(String name) throws IOException {
            return sftp().read(path(Destinations.checkName(name)));
        }

        @Override
        public void delete(String name) throws IOException {
            try {
                sftp().remove(path(Destinations.checkName(name)));
            } catch (SftpException e) {
                // already gone
            }
        }

        @Override
        public synchronized void close() {
            try {
                if (sftp != null) {
                    sftp.close();
                }
                if (session != null) {
                    session.close();
                }
                if (client != null) {
                    client.stop();
                }
            } catch (IOException e) {
                // closing anyway
            } finally {
                sftp = null;
                session = null;
                client = null;
            }
        }
    }
}

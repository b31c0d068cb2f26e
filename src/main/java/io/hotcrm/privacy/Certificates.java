package io.hotcrm.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hotcrm.common.Secrets;
import io.hotcrm.store.Database;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;

/**
 * Signs and checks privacy certificates with the instance's Ed25519 key (made on first use; the private half
 * encrypted with {@code HOTCRM_SECRET_KEY} when one is set). What is signed is the certificate without its
 * {@code signature}, in a canonical form (keys sorted, no blanks), so any change of a byte of the content, or of the
 * signature, fails the check. The public key is published ({@code GET /api/v1/privacy/public-key}) for anyone to check
 * a certificate without HotCRM.
 */
final class Certificates {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ALGORITHM = "Ed25519";

    private final Database db;
    private final Secrets secrets;
    private volatile KeyPair keys;

    Certificates(Database db, Secrets secrets) {
        this.db = db;
        this.secrets = secrets;
    }

    /** The public key as published: algorithm, X.509 (SubjectPublicKeyInfo) in base64, and its SHA-256 fingerprint. */
    record PublicKeyInfo(String algorithm, String publicKey, String fingerprint) {
    }

    PublicKeyInfo publicKey() {
        PublicKey k = keys().getPublic();
        return new PublicKeyInfo(ALGORITHM, Base64.getEncoder().encodeToString(k.getEncoded()), fingerprint(k));
    }

    /** The certificate with its signature added. */
    ObjectNode sign(ObjectNode body) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initSign(keys().getPrivate());
            s.update(canonical(body).getBytes(StandardCharsets.UTF_8));
            ObjectNode out = body.deepCopy();
            out.putObject("signature").put("algorithm", ALGORITHM).put("keyFingerprint", fingerprint(keys().getPublic()))
                    .put("value", Base64.getEncoder().encodeToString(s.sign()));
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is not available", e);
        }
    }

    /** What checking a certificate found: whether it is valid, and why not. */
    record Verification(boolean valid, String reason, String request, String fingerprint) {
    }

    /** Checks a certificate's bytes against this instance's public key. */
    Verification verify(byte[] certificate) {
        return verify(certificate, keys().getPublic());
    }

    static Verification verify(byte[] certificate, PublicKey key) {
        if (CertificatePdf.isPdf(certificate)) {
            byte[] json = CertificatePdf.attached(certificate);
            if (json == null) {
                return new Verification(false, "it is a PDF without an attached certificate (" + CertificatePdf.ATTACHMENT + "), or"
                        + " one no longer readable", null, null);
            }
            Verification v = verify(json, key);
            if (!v.valid()) {
                return v;
            }
            try {
                if (!java.util.Arrays.equals(CertificatePdf.render(JSON.readTree(json)), certificate)) {
                    return new Verification(false, "the PDF was changed after it was made: its attached certificate is signed, but"
                            + " the PDF is not the one made from it", v.request(), v.fingerprint());
                }
            } catch (java.io.IOException e) {
                return new Verification(false, "its attached certificate is not readable", null, null);
            }
            return new Verification(true, v.reason() + "; the PDF is the one made from it", v.request(), v.fingerprint());
        }
        JsonNode n;
        try {
            n = JSON.readTree(certificate);
        } catch (java.io.IOException e) {
            return new Verification(false, "it is not a certificate (not JSON)", null, null);
        }
        if (!(n instanceof ObjectNode o) || !o.path("signature").isObject()) {
            return new Verification(false, "it has no signature", null, null);
        }
        String request = o.path("request").asText(null);
        JsonNode sig = o.get("signature");
        String fp = sig.path("keyFingerprint").asText(null);
        if (!ALGORITHM.equals(sig.path("algorithm").asText())) {
            return new Verification(false, "it is not signed with Ed25519", request, fp);
        }
        if (!fingerprint(key).equals(fp)) {
            return new Verification(false, "it was signed with another key (" + fp + ") than this instance's (" + fingerprint(key) + ")",
                    request, fp);
        }
        ObjectNode body = o.deepCopy();
        body.remove("signature");
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initVerify(key);
            s.update(canonical(body).getBytes(StandardCharsets.UTF_8));
            boolean ok = s.verify(Base64.getDecoder().decode(sig.path("value").asText("")));
            return new Verification(ok, ok ? "signed by this instance's key " + fp : "its content does not match its signature (it was"
                    + " changed after it was signed)", request, fp);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return new Verification(false, "its signature cannot be read: " + e.getMessage(), request, fp);
        }
    }

    /** The JSON with every object's keys sorted and no blanks: the bytes a signature covers. */
    static String canonical(JsonNode n) {
        return sorted(n).toString();
    }

    private static JsonNode sorted(JsonNode n) {
        if (n.isObject()) {
            ObjectNode out = JSON.createObjectNode();
            List<String> names = new ArrayList<>();
            n.fieldNames().forEachRemaining(names::add);
            Collections.sort(names);
            for (String name : names) {
                out.set(name, sorted(n.get(name)));
            }
            return out;
        }
        if (n.isArray()) {
            com.fasterxml.jackson.databind.node.ArrayNode out = JSON.createArrayNode();
            n.forEach(x -> out.add(sorted(x)));
            return out;
        }
        return n;
    }

    static String fingerprint(PublicKey k) {
        try {
            return "SHA256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(k.getEncoded())).substring(0, 32);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key pair, made and kept on first use (any node reads the same one). */
    private KeyPair keys() {
        if (keys == null) {
            synchronized (this) {
                if (keys == null) {
                    keys = load();
                }
            }
        }
        return keys;
    }

    private KeyPair load() {
        return db.jdbi().inTransaction(h -> {
            String pub = h.createQuery("select key_value from hc_privacy_key where name = 'signing-public'").mapTo(String.class)
                    .findOne().orElse(null);
            String priv = h.createQuery("select key_value from hc_privacy_key where name = 'signing-private'").mapTo(String.class)
                    .findOne().orElse(null);
            try {
                KeyFactory f = KeyFactory.getInstance(ALGORITHM);
                if (pub != null && priv != null) {
                    String plain = Secrets.isEncrypted(priv) ? requireSecrets().decrypt(priv) : priv;
                    return new KeyPair(f.generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(pub))),
                            f.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(plain))));
                }
                KeyPair k = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
                String encodedPrivate = Base64.getEncoder().encodeToString(k.getPrivate().getEncoded());
                OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
                h.createUpdate("insert into hc_privacy_key (name, key_value, created_at) values ('signing-public', :v, :now)")
                        .bind("v", Base64.getEncoder().encodeToString(k.getPublic().getEncoded())).bind("now", now).execute();
                h.createUpdate("insert into hc_privacy_key (name, key_value, created_at) values ('signing-private', :v, :now)")
                        .bind("v", secrets == null ? encodedPrivate : secrets.encrypt(encodedPrivate)).bind("now", now).execute();
                return k;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("Ed25519 is not available", e);
            }
        });
    }

    private Secrets requireSecrets() {
        if (secrets == null) {
            throw new io.hotcrm.common.HotCrmException(io.hotcrm.common.ErrorCode.CONFIGURATION, "The certificate signing key is"
                    + " encrypted, and " + Secrets.ENV + " is not set: set the key it was made with.");
        }
        return secrets;
    }
}

package io.hotcrm.privacy;

import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.common.Ids;
import io.hotcrm.security.AccessGuard;
import io.hotcrm.security.AuditLog;
import io.hotcrm.security.Principal;
import io.hotcrm.store.Database;
import io.hotcrm.store.Schema;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * Data-subject requests, the front door: a request is received (who it is about, what they ask), verified (by an
 * admin with a note), approved, run, and done — or denied; it is due 30 days after it came in, extended once by at
 * most 60 days with a logged reason; every step is kept in its history and the audit log (never the person's data:
 * the audit keeps the request's id). Only roles allowed to handle privacy requests see any of it.
 */
public final class PrivacyRequests {
    public static final Set<String> KINDS = Set.of("access", "portability", "erasure", "rectification");
    static final int DUE_DAYS = 30;
    static final int MAX_EXTENSION_DAYS = 60;
    /** The objects a request may name a record of (the person's contact or lead). */
    private static final Map<String, String> TRANSITIONS_FROM = Map.of(PrivacyRequest.VERIFIED, PrivacyRequest.RECEIVED,
            PrivacyRequest.APPROVED, PrivacyRequest.VERIFIED);

    private final Database db;
    private final Schema schema;
    private final Discovery discovery;
    private final Erasure erasure;
    private final Certificates certificates;
    private final HandOver handOver;
    private final io.hotcrm.files.FileStore files;
    private volatile Mailer mailer = Mailer.NONE;

    /** Sends an email to someone who is not a user (the person a request is about). */
    @FunctionalInterface
    public interface Mailer {
        Mailer NONE = (to, subject, body) -> {
            throw new HotCrmException(ErrorCode.CONFIGURATION, "No SMTP server is configured (HOTCRM_SMTP_HOST): HotCRM cannot"
                    + " email the person; verify the request by other means and record how (privacy request verify ID --note).");
        };

        void send(String to, String subject, String body);
    }

    /** How HotCRM emails people (the composition root gives its SMTP sender). */
    public void mailer(Mailer m) {
        this.mailer = m == null ? Mailer.NONE : m;
    }

    /** How long an emailed verification link works. */
    static final long LINK_HOURS = 24;

    /**
     * Emails the request's address a single-use link ({@code baseUrl}/privacy/verify/TOKEN) that confirms the request
     * when followed within 24 hours; only the token's hash is kept. Returns when the link expires.
     */
    public Instant sendVerification(Principal p, UUID id, String baseUrl) {
        PrivacyRequest r = get(p, id);
        if (!r.state().equals(PrivacyRequest.RECEIVED)) {
            throw new HotCrmException(ErrorCode.CONFLICT, "Request " + id + " is " + r.state() + ": a verification link is sent while it"
                    + " is received.");
        }
        if (r.email() == null) {
            throw HotCrmException.invalid("Request " + id + " names no email to send a link to: verify it by other means (--note).");
        }
        if (baseUrl == null || !baseUrl.matches("https?://[^\\s/]+(/.*)?")) {
            throw HotCrmException.invalid("Give this HotCRM's address for the link (--base-url https://crm.example.com).");
        }
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        String token = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        Instant expires = clock.instant().plus(LINK_HOURS, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MICROS);
        String link = baseUrl.replaceAll("/+$", "") + "/privacy/verify/" + token;
        mailer.send(r.email(), "Please confirm your request", "Someone asked us, using this address, for a " + r.kind()
                + " of the personal data we hold about you.\n\nIf it was you, confirm it by opening this link within "
                + LINK_HOURS + " hours:\n\n" + link + "\n\nIf it was not you, ignore this email: nothing will happen.\n");
        db.jdbi().useTransaction(h -> {
            h.createUpdate("insert into hc_privacy_link (token_hash, request_id, expires_at) values (:hash, :id, :exp)")
                    .bind("hash", sha256(token)).bind("id", id).bind("exp", at(expires)).execute();
            event(h, id, p, r.state(), r.state(), "A single-use verification link was emailed to the address on the request"
                    + " (valid until " + expires + ").");
        });
        return expires;
    }

    /**
     * The person followed the link: the request is verified, once. A used, expired or unknown link confirms nothing
     * and says so. Needs no sign-in: the link is the proof.
     */
    public UUID confirm(String token) {
        String hash = sha256(token == null ? "" : token);
        Map<String, Object> link = db.jdbi().withHandle(h -> h.createQuery("select request_id, expires_at, used_at from hc_privacy_link"
                + " where token_hash = :h").bind("h", hash).mapToMap().findOne().orElse(null));
        if (link == null) {
            throw HotCrmException.notFound("This confirmation link is not known: ask for a new one.");
        }
        if (link.get("used_at") != null) {
            throw new HotCrmException(ErrorCode.CONFLICT, "This confirmation link was used already: the request is confirmed.");
        }
        Instant expires = ((OffsetDateTime) link.get("expires_at")).toInstant();
        if (clock.instant().isAfter(expires)) {
            throw new HotCrmException(ErrorCode.CONFLICT, "This confirmation link expired on " + expires + ": ask for a new one.");
        }
        UUID id = (UUID) link.get("request_id");
        Principal system = Principal.system();
        PrivacyRequest r = get(system, id);
        db.jdbi().useTransaction(h -> {
            int n = h.createUpdate("update hc_privacy_link set used_at = :now where token_hash = :h and used_at is null")
                    .bind("now", at(clock.instant())).bind("h", hash).execute();
            if (n == 0) {
                throw new HotCrmException(ErrorCode.CONFLICT, "This confirmation link was used already: the request is confirmed.");
            }
        });
        if (r.state().equals(PrivacyRequest.RECEIVED)) {
            transition(system, r, PrivacyRequest.VERIFIED, "The person confirmed the request through the single-use link emailed"
                    + " to the address on the request.");
        }
        return id;
    }

    private static String sha256(String s) {
        return io.hotcrm.common.Digests.sha256Hex(s);
    }
    private final Clock clock;
    private final Copies copies;
    private final io.hotcrm.store.RecordStore records;
    private final io.hotcrm.store.RecycleBin bin;

    /** @param secrets encrypts the certificate signing key at rest ({@code HOTCRM_SECRET_KEY}); null: kept as it is */
    public PrivacyRequests(Database db, Schema schema, io.hotcrm.store.RecordStore records, io.hotcrm.store.RecycleBin bin,
                           io.hotcrm.files.FileStore files, io.hotcrm.importing.Importer importer,
                           io.hotcrm.exporting.ExportSchedules exports, io.hotcrm.common.Secrets secrets, Clock clock) {
        this.db = db;
        this.records = records;
        this.bin = bin;
        this.copies = new Copies(schema, records, importer, exports);
        this.schema = schema;
        this.discovery = new Discovery(db, schema);
        this.erasure = new Erasure(db, schema, records, bin, files);
        this.certificates = new Certificates(db, secrets);
        this.handOver = new HandOver(schema, records, files);
        this.files = files;
        this.clock = clock;
    }

    public PrivacyRequests(Database db, Schema schema, io.hotcrm.store.RecordStore records, io.hotcrm.store.RecycleBin bin,
                           io.hotcrm.files.FileStore files, io.hotcrm.importing.Importer importer,
                           io.hotcrm.exporting.ExportSchedules exports, io.hotcrm.common.Secrets secrets) {
        this(db, schema, records, bin, files, importer, exports, secrets, Clock.systemUTC());
    }

    /**
     * Hands the person their data (an approved access or portability request; an erasure request may hand it over too
     * before it runs): a ZIP of JSON and CSV per object, the files found, and a manifest with each entry's SHA-256 —
     * written to {@code out}. An access or portability request is then done, and keeps only the hash of who it was about.
     * Returns how many records and files it holds.
     */
    public int[] export(Principal p, UUID id, java.io.OutputStream out) {
        PrivacyRequest r = get(p, id);
        if (!r.state().equals(PrivacyRequest.APPROVED)) {
            throw new HotCrmException(ErrorCode.CONFLICT, "Request " + id + " is " + r.state() + ": data is handed over once the"
                    + " request is verified and approved.");
        }
        int[] n = handOver.write(find(p, id), id, r.email(), out);
        if (!r.kind().equals("erasure")) {
            clearIdentifiers(id, null);
            transition(p, get(p, id), PrivacyRequest.DONE, "Handed over: " + n[0] + " records and " + n[1] + " files in one ZIP with"
                    + " its SHA-256 manifest. Identifiers cleared; their salted hash kept.");
        } else {
            db.jdbi().useTransaction(h -> event(h, id, p, r.state(), r.state(), "Handed over a copy: " + n[0] + " records, " + n[1]
                    + " files."));
        }
        return n;
    }

    /** A legal hold on a record: kept whatever a data subject asks, with the reason. */
    public record Hold(String object, UUID record, String reason, String by, Instant at) {
    }

    /** Puts a record under a legal hold: erasures list it with the reason and leave it as it is. */
    public Hold hold(Principal p, String object, UUID record, String reason) {
        AccessGuard.requirePrivacy(p, "put a record under a legal hold");
        if (reason == null || reason.isBlank()) {
            throw HotCrmException.invalid("Give the hold's legal ground (--reason \"tax records kept 10 years\").");
        }
        io.hotcrm.metadata.ObjectDef o = schema.object(object);
        long n = db.jdbi().withHandle(h -> h.createQuery("select count(*) from " + o.tableName() + " where id = :id").bind("id", record)
                .mapTo(Long.class).one());
        if (n == 0) {
            throw HotCrmException.notFound("There is no " + object + " " + record + ".");
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        db.jdbi().useTransaction(h -> {
            h.createUpdate("delete from hc_privacy_hold where object_name = :o and record_id = :r").bind("o", object).bind("r", record)
                    .execute();
            h.createUpdate("insert into hc_privacy_hold (object_name, record_id, reason, created_by, created_at) values (:o, :r, :why,"
                    + " :by, :now)").bind("o", object).bind("r", record).bind("why", reason.strip()).bind("by", p.email())
                    .bind("now", at(now)).execute();
            AuditLog.record(h, p, "privacy.hold", object, record.toString(), "legal hold");
        });
        return new Hold(object, record, reason.strip(), p.email(), now);
    }

    /** Lifts a legal hold. */
    public void release(Principal p, String object, UUID record) {
        AccessGuard.requirePrivacy(p, "lift a legal hold");
        db.jdbi().useTransaction(h -> {
            int n = h.createUpdate("delete from hc_privacy_hold where object_name = :o and record_id = :r").bind("o", object)
                    .bind("r", record).execute();
            if (n == 0) {
                throw HotCrmException.notFound("The " + object + " " + record + " is under no legal hold.");
            }
            AuditLog.record(h, p, "privacy.release", object, record.toString(), "legal hold lifted");
        });
    }

    /** Every legal hold. */
    public List<Hold> holds(Principal p) {
        AccessGuard.requirePrivacy(p, "see legal holds");
        return db.jdbi().withHandle(h -> h.createQuery("select * from hc_privacy_hold order by created_at").map((rs, ctx) -> new Hold(
                rs.getString("object_name"), rs.getObject("record_id", UUID.class), rs.getString("reason"), rs.getString("created_by"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant())).list());
    }

    /** The instance's public key for certificates: anyone may have it (no permission needed). */
    public Map<String, String> publicKey() {
        Certificates.PublicKeyInfo k = certificates.publicKey();
        return Map.of("algorithm", k.algorithm(), "publicKey", k.publicKey(), "fingerprint", k.fingerprint());
    }

    /**
     * The certificate of a done erasure as a PDF to hand the person: readable, with the signed JSON attached; {@link #verify}
     * checks it as it checks the JSON.
     */
    public byte[] certificatePdf(Principal p, UUID id) {
        try {
            return CertificatePdf.render(Certificates.JSON.readTree(certificate(p, id)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The signed certificate of a done erasure, as JSON. */
    public String certificate(Principal p, UUID id) {
        PrivacyRequest r = get(p, id);
        String cert = db.jdbi().withHandle(h -> h.createQuery("select certificate from hc_privacy_request where id = :id").bind("id", id)
                .mapTo(String.class).findOne().orElse(null));
        if (cert == null) {
            throw new HotCrmException(ErrorCode.CONFLICT, "Request " + id + " is " + r.state() + ": a certificate is made when an erasure is done.");
        }
        return cert;
    }

    /** Whether a certificate's bytes are one this instance signed, unchanged; and why not. */
    public record Verification(boolean valid, String reason, String request, String fingerprint) {
    }

    public Verification verify(byte[] certificate) {
        Certificates.Verification v = certificates.verify(certificate);
        return new Verification(v.valid(), v.reason(), v.request(), v.fingerprint());
    }

    /** What an erasure would do now, record by record and field by field (no values). */
    public List<Change> preview(Principal p, UUID id, String action) {
        PrivacyRequest r = get(p, id);
        return erasure.preview(Principal.system(), find(p, id), action(action), r.id());
    }

    /** One record an erasure touches: what happens to it and to each of its personal fields. */
    public record Change(String object, UUID id, String action, Map<String, String> fields, String why) {
    }

    /**
     * Runs an approved erasure request: everything found is deleted or anonymised (see {@link Erasure}); the request is
     * then done, and keeps only the salted hash of who it was about. Returns per object the records deleted,
     * anonymised and kept. A failure leaves the request failed, with what went wrong in its history.
     */
    public Map<String, int[]> run(Principal p, UUID id, String action) {
        PrivacyRequest r = get(p, id);
        if (!r.kind().equals("erasure")) {
            throw HotCrmException.invalid("Request " + id + " asks for " + r.kind() + ", not an erasure: hand the person their data"
                    + " instead (coming: hotcrm privacy export).");
        }
        if (!r.state().equals(PrivacyRequest.APPROVED)) {
            throw new HotCrmException(ErrorCode.CONFLICT, "Request " + id + " is " + r.state() + ": an erasure runs once it is approved.");
        }
        String a = action(action);
        Identifiers who = new Identifiers(r.email(), r.phone(), r.recordObject(), r.recordId());
        PrivacyRequest running = transition(p, r, PrivacyRequest.RUNNING, "Erasing (" + a + ").");
        try {
            Findings f = discovery.find(who);
            // the person's addresses and numbers are read before their records change: the copies are found by them
            Copies.Needles needles = copies.needles(f, who);
            f = f.withCopies(copies.find(needles));
            // planned once: the ledger records what the run then does
            List<Change> changes = erasure.preview(Principal.system(), f, a, id);
            ledger(r, a, changes, needles.emails(), Erasure.names(f));
            Erasure.Result result = erasure.run(Principal.system(), f, changes, a, id, who);
            copies.erase(needles);
            Map<String, int[]> counts = result.counts();
            clearIdentifiers(id, certificates.sign(certificate(p, r, a, f, result)).toPrettyString());
            List<String> summary = new java.util.ArrayList<>();
            counts.forEach((object, k) -> summary.add(object + " " + k[0] + "/" + k[1] + "/" + k[2]));
            transition(p, running, PrivacyRequest.DONE, "Erased (" + a + "; per object deleted/anonymised/kept: "
                    + String.join(", ", summary) + "). Identifiers cleared; their salted hash kept.");
            return counts;
        } catch (RuntimeException e) {
            transition(p, get(p, id), PrivacyRequest.FAILED, "Failed: " + e.getMessage());
            throw e;
        }
    }

    /** Where the erasure ledger's entries are kept: in the file store, outside the database whose data they erase. */
    static final String LEDGER = "privacy/ledger/";

    /**
     * Writes the request's entry of the erasure ledger before anything is erased: the request, when, the salted hash
     * of the identifiers, the action, and per object the record ids and what happens to each — no personal data. It is
     * kept in the file store, outside the database, so that a database restored from an older backup can be made to
     * forget the same people again by replaying the ledger.
     */
    private void ledger(PrivacyRequest r, String action, List<Change> changes, java.util.Collection<String> emails,
                        java.util.Collection<String> names) {
        var e = Certificates.JSON.createObjectNode();
        e.put("format", "hotcrm-erasure-ledger/1").put("request", r.id().toString()).put("at", clock.instant().toString())
                .put("action", action);
        e.put("identifiersHash", identifiersHash(r.id()));
        // what text is scrubbed of, as salted hashes only: a replay finds the same addresses and names again
        java.util.function.UnaryOperator<String> hash = tokenHash();
        var tokens = e.putObject("tokens");
        var emailHashes = tokens.putArray("emails");
        emails.forEach(x -> emailHashes.add(hash.apply(x)));
        var nameHashes = tokens.putArray("names");
        names.forEach(x -> nameHashes.add(hash.apply(x)));
        var records = e.putArray("records");
        for (Change c : changes) {
            var rec = records.addObject().put("object", c.object()).put("id", c.id().toString()).put("action", c.action());
            var fields = rec.putObject("fields");
            c.fields().forEach(fields::put);
        }
        files.put(LEDGER + r.id() + ".json", new java.io.ByteArrayInputStream(e.toPrettyString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /**
     * How the ledger keeps a word, an address or a name: the SHA-256 of the instance's salt and the lower-case text. The
     * salt is read once here, not per word (a replay hashes every phrase of every text it scrubs).
     */
    private java.util.function.UnaryOperator<String> tokenHash() {
        String salt = db.jdbi().withHandle(PrivacyRequests::salt);
        return token -> sha256(salt + "\n" + token.strip().toLowerCase(java.util.Locale.ROOT));
    }

    /**
     * Replays the erasure ledger, oldest entry first, on this database — after a restore, before anyone is served: what
     * was deleted is deleted again, what was anonymised is anonymised again (field by field as the ledger says; addresses
     * and names found again by their salted hashes), and the copies in imports and exports of those records are erased
     * again. Records that are already as the ledger leaves them are not touched. Returns how many records it changed.
     */
    public int replayLedger() {
        return new LedgerReplay(schema, records, bin, copies, tokenHash()).replay(ledger(Principal.system()));
    }

    /** The erasure ledger's entries (JSON, one per erasure), oldest first: what a restore replays. */
    public List<String> ledger(Principal p) {
        AccessGuard.requirePrivacy(p, "read the erasure ledger");
        List<String> out = new java.util.ArrayList<>();
        for (String key : files.list(LEDGER)) {
            try (java.io.InputStream in = files.open(key)) {
                out.add(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        out.sort(java.util.Comparator.comparing(s -> s.substring(s.indexOf("\"at\""))));
        return out;
    }

    /**
     * What the certificate says: what was searched, found, deleted, anonymised and kept (with why) per object, by record
     * id, when and by whom — counts and ids, no personal value; the identifiers only as their salted hash.
     */
    private com.fasterxml.jackson.databind.node.ObjectNode certificate(Principal p, PrivacyRequest r, String action, Findings f,
                                                                       Erasure.Result result) {
        var c = Certificates.JSON.createObjectNode();
        c.put("format", "hotcrm-privacy-certificate/1");
        c.put("request", r.id().toString());
        c.put("kind", r.kind());
        c.put("action", action);
        c.put("receivedAt", r.receivedAt().toString());
        c.put("dueAt", r.dueAt().toString());
        c.put("completedAt", clock.instant().toString());
        c.put("handledBy", p.email());
        c.put("identifiersHash", identifiersHash(r.id()));
        var searched = c.putArray("searched");
        schema.catalogue().objects().stream().filter(o -> o.fields().stream().anyMatch(fd -> !fd.personalData().isEmpty()))
                .forEach(o -> searched.add(o.name()));
        var found = c.putObject("found");
        found.put("personRecords", f.subjects().size()).put("linkedRecords", f.linked().size()).put("mentions", f.mentions().size())
                .put("auditEntries", f.audit().size())
                .put("copies", f.copies().size());
        var objects = c.putObject("objects");
        for (Change ch : result.changes()) {
            var o = objects.has(ch.object()) ? (com.fasterxml.jackson.databind.node.ObjectNode) objects.get(ch.object())
                    : objects.putObject(ch.object());
            String key = ch.action().equals(Erasure.DELETE) ? "deleted" : ch.action().equals(Erasure.ANONYMISE) ? "anonymised" : "kept";
            (o.has(key) ? (com.fasterxml.jackson.databind.node.ArrayNode) o.get(key) : o.putArray(key)).add(ch.id().toString());
        }
        var retained = c.putArray("retained");
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Change ch : result.changes()) {
            if (Copies.KINDS.contains(ch.object())) {
                if (ch.action().equals(Erasure.KEEP)) {
                    retained.addObject().put("object", ch.object()).put("record", ch.id().toString()).put("reason", ch.why()
                            .substring(0, ch.why().lastIndexOf(" (")));
                }
                continue;
            }
            io.hotcrm.metadata.ObjectDef o = schema.object(ch.object());
            for (io.hotcrm.metadata.FieldDef fd : o.fields()) {
                String why = switch (fd.personalData()) {
                    case Discovery.PERSON_LINK -> "links a kept record to the (anonymised or deleted) person, for reports";
                    case "name_if_sole_trader" -> "an organisation's name, not a person's";
                    default -> Erasure.KEPT_REQUIRED.equals(ch.fields().get(fd.name())) ? "required; names no one alone" : null;
                };
                if (why != null && ch.action().equals(Erasure.ANONYMISE) && seen.add(o.name() + "." + fd.name())) {
                    retained.addObject().put("object", o.name()).put("field", fd.name()).put("reason", why);
                }
            }
            if (ch.action().equals(Erasure.KEEP) && ch.why().startsWith("legal hold")) {
                retained.addObject().put("object", ch.object()).put("record", ch.id().toString()).put("reason", ch.why());
            }
        }
        c.put("auditEntriesScrubbed", result.auditScrubbed());
        return c;
    }

    private static String action(String action) {
        String a = action == null ? Erasure.ANONYMISE : action.strip().toLowerCase(java.util.Locale.ROOT).replace("anonymize", "anonymise");
        if (!a.equals(Erasure.ANONYMISE) && !a.equals(Erasure.DELETE)) {
            throw HotCrmException.invalid("An erasure deletes or anonymises (--action delete|anonymise), not \"" + action + "\".");
        }
        return a;
    }

    /** A new request about the person the identifiers name. */
    public PrivacyRequest create(Principal p, String kind, Identifiers who) {
        AccessGuard.requirePrivacy(p, "create a privacy request");
        String k = kind == null ? "erasure" : kind.strip().toLowerCase(java.util.Locale.ROOT);
        if (!KINDS.contains(k)) {
            throw HotCrmException.invalid("A privacy request is access, portability, erasure or rectification, not \"" + kind + "\".");
        }
        if (who.recordId() != null) {
            if (discovery.subjectObjects().stream().noneMatch(o -> o.name().equals(who.recordObject()))) {
                throw HotCrmException.invalid("A request names a person's record: a contact or a lead, not a " + who.recordObject() + ".");
            }
            long n = db.jdbi().withHandle(h -> h.createQuery("select count(*) from " + schema.object(who.recordObject()).tableName()
                    + " where id = :id").bind("id", who.recordId()).mapTo(Long.class).one());
            if (n == 0) {
                throw HotCrmException.notFound("There is no " + who.recordObject() + " " + who.recordId() + ".");
            }
        }
        UUID id = Ids.newId();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        db.jdbi().useTransaction(h -> {
            h.createUpdate("insert into hc_privacy_request (id, kind, state, email, phone, record_object, record_id, identifiers_hash,"
                            + " received_at, due_at, created_by, updated_at) values (:id, :kind, :state, :email, :phone, :ro, cast(:rid as uuid), :hash,"
                            + " :now, :due, :by, :now)")
                    .bind("id", id).bind("kind", k).bind("state", PrivacyRequest.RECEIVED).bind("email", who.email())
                    .bind("phone", who.phone()).bind("ro", who.recordObject()).bind("rid", who.recordId() == null ? null : who.recordId().toString())
                    .bind("hash", who.hash(salt(h))).bind("now", at(now)).bind("due", at(now.plus(DUE_DAYS, ChronoUnit.DAYS)))
                    .bind("by", p.email()).execute();
            event(h, id, p, null, PrivacyRequest.RECEIVED, (k.equals("erasure") || k.equals("access") ? "An " : "A ") + k + " request came in.");
        });
        return get(p, id);
    }

    public PrivacyRequest get(Principal p, UUID id) {
        AccessGuard.requirePrivacy(p, "see privacy requests");
        return db.jdbi().withHandle(h -> h.createQuery("select * from hc_privacy_request where id = :id").bind("id", id)
                .map((rs, ctx) -> new PrivacyRequest(rs.getObject("id", UUID.class), rs.getString("kind"), rs.getString("state"),
                        rs.getString("email"), rs.getString("phone"), rs.getString("record_object"), rs.getObject("record_id", UUID.class),
                        rs.getObject("received_at", OffsetDateTime.class).toInstant(), rs.getObject("due_at", OffsetDateTime.class).toInstant(),
                        rs.getInt("extended_days"), rs.getString("extension_reason"), rs.getString("assignee"), rs.getString("created_by")))
                .findOne()).orElseThrow(() -> HotCrmException.notFound("There is no privacy request " + id + "; see hotcrm privacy list."));
    }

    /** Every request, the newest first. */
    public List<PrivacyRequest> list(Principal p) {
        AccessGuard.requirePrivacy(p, "see privacy requests");
        List<UUID> ids = db.jdbi().withHandle(h -> h.createQuery("select id from hc_privacy_request order by received_at desc, id")
                .mapTo(UUID.class).list());
        return ids.stream().map(id -> get(p, id)).toList();
    }

    /** The request's history, oldest first. */
    public List<PrivacyRequest.Event> history(Principal p, UUID id) {
        get(p, id);
        return db.jdbi().withHandle(h -> h.createQuery("select * from hc_privacy_event where request_id = :id order by id")
                .bind("id", id).map((rs, ctx) -> new PrivacyRequest.Event(rs.getObject("at", OffsetDateTime.class).toInstant(),
                        rs.getString("actor"), rs.getString("from_state"), rs.getString("to_state"), rs.getString("note"))).list());
    }

    /** An admin confirms who the person is (how, in the note: a call back, an ID document seen, …). */
    public PrivacyRequest verify(Principal p, UUID id, String note) {
        if (note == null || note.isBlank()) {
            throw HotCrmException.invalid("Say how the person's identity was verified (--note \"called back on the number on file\").");
        }
        return move(p, id, PrivacyRequest.VERIFIED, note.strip());
    }

    /** The request may now be run. */
    public PrivacyRequest approve(Principal p, UUID id, String note) {
        return move(p, id, PrivacyRequest.APPROVED, note == null || note.isBlank() ? "Approved." : note.strip());
    }

    /** The request is refused, with its reason (manifestly unfounded, identity not confirmed, …). */
    public PrivacyRequest deny(Principal p, UUID id, String reason) {
        if (reason == null || reason.isBlank()) {
            throw HotCrmException.invalid("Give the reason the request is denied (--reason \"…\"): the person is owed it.");
        }
        PrivacyRequest r = get(p, id);
        if (List.of(PrivacyRequest.RUNNING, PrivacyRequest.DONE, PrivacyRequest.DENIED).contains(r.state())) {
            throw new HotCrmException(ErrorCode.CONFLICT, "Request " + id + " is " + r.state() + ": it can no longer be denied.");
        }
        return transition(p, r, PrivacyRequest.DENIED, reason.strip());
    }

    /** Extends the deadline once, by at most 60 days, with the reason (complex or numerous requests). */
    public PrivacyRequest extend(Principal p, UUID id, int days, String reason) {
        PrivacyRequest r = get(p, id);
        if (r.extendedDays() > 0) {
            throw new HotCrmException(ErrorCode.CONFLICT, "Request " + id + " was extended already (by " + r.extendedDays()
                    + " days): a deadline is extended once.");
        }
        if (days < 1 || days > MAX_EXTENSION_DAYS) {
            throw HotCrmException.invalid("A deadline is extended by 1 to " + MAX_EXTENSION_DAYS + " days, not " + days + ".");
        }
        if (reason == null || reason.isBlank()) {
            throw HotCrmException.invalid("Give the reason for the extension (--reason \"…\"): the person must be told it.");
        }
        db.jdbi().useTransaction(h -> {
            h.createUpdate("update hc_privacy_request set extended_days = :d, extension_reason = :r, due_at = :due, updated_at = :now"
                            + " where id = :id").bind("d", days).bind("r", reason.strip())
                    .bind("due", at(r.dueAt().plus(days, ChronoUnit.DAYS))).bind("now", at(clock.instant())).bind("id", id).execute();
            event(h, id, p, r.state(), r.state(), "Deadline extended by " + days + " days: " + reason.strip());
        });
        return get(p, id);
    }

    /** Who handles the request. */
    public PrivacyRequest assign(Principal p, UUID id, String assignee) {
        PrivacyRequest r = get(p, id);
        db.jdbi().useTransaction(h -> {
            h.createUpdate("update hc_privacy_request set assignee = :a, updated_at = :now where id = :id").bind("a", assignee)
                    .bind("now", at(clock.instant())).bind("id", id).execute();
            event(h, id, p, r.state(), r.state(), "Assigned to " + assignee + ".");
        });
        return get(p, id);
    }

    /** Everything HotCRM holds about the request's person (see {@link Discovery}). */
    public Findings find(Principal p, UUID id) {
        PrivacyRequest r = get(p, id);
        if (r.email() == null && r.phone() == null && r.recordId() == null) {
            throw new HotCrmException(ErrorCode.CONFLICT, "Request " + id + " is " + r.state() + " and keeps no identifiers any more.");
        }
        Identifiers who = new Identifiers(r.email(), r.phone(), r.recordObject(), r.recordId());
        Findings f = discovery.find(who);
        return f.withCopies(copies.find(copies.needles(f, who)));
    }

    private PrivacyRequest move(Principal p, UUID id, String to, String note) {
        PrivacyRequest r = get(p, id);
        String from = TRANSITIONS_FROM.get(to);
        if (!r.state().equals(from)) {
            throw new HotCrmException(ErrorCode.CONFLICT, "Request " + id + " is " + r.state() + "; it becomes " + to + " only when "
                    + from + ".");
        }
        return transition(p, r, to, note);
    }

    private PrivacyRequest transition(Principal p, PrivacyRequest r, String to, String note) {
        db.jdbi().useTransaction(h -> {
            int n = h.createUpdate("update hc_privacy_request set state = :to, updated_at = :now where id = :id and state = :from")
                    .bind("to", to).bind("now", at(clock.instant())).bind("id", r.id()).bind("from", r.state()).execute();
            if (n == 0) {
                throw new HotCrmException(ErrorCode.CONFLICT, "Request " + r.id() + " changed meanwhile; look at it again.");
            }
            event(h, r.id(), p, r.state(), to, note);
        });
        return get(p, r.id());
    }

    private void event(Handle h, UUID id, Principal p, String from, String to, String note) {
        h.createUpdate("insert into hc_privacy_event (request_id, at, actor, from_state, to_state, note) values (:id, :at, :by, :from,"
                        + " :to, :note)").bind("id", id).bind("at", at(clock.instant())).bind("by", p.email()).bind("from", from)
                .bind("to", to).bind("note", note).execute();
        // the audit log keeps that the request moved, never who it is about
        AuditLog.record(h, p, "privacy." + to, null, id.toString(), from == null ? "received" : from + " → " + to);
    }

    /** The instance's salt for identifier hashes, made on first use. */
    private static String salt(Handle h) {
        String salt = h.createQuery("select key_value from hc_privacy_key where name = 'salt'").mapTo(String.class).findOne().orElse(null);
        if (salt != null) {
            return salt;
        }
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        h.createUpdate("insert into hc_privacy_key (name, key_value, created_at) values ('salt', :v, :now)")
                .bind("v", HexFormat.of().formatHex(b)).bind("now", at(Instant.now())).execute();
        return h.createQuery("select key_value from hc_privacy_key where name = 'salt'").mapTo(String.class).one();
    }

    /** The salted hash of who the request is about: all that is kept of them once it is done. */
    private String identifiersHash(UUID id) {
        return db.jdbi().withHandle(h -> h.createQuery("select identifiers_hash from hc_privacy_request where id = :id").bind("id", id)
                .mapTo(String.class).one());
    }

    /** A finished request forgets who it was about (its salted hash stays), and keeps its certificate when it has one. */
    private void clearIdentifiers(UUID id, String certificate) {
        db.jdbi().useHandle(h -> h.createUpdate("update hc_privacy_request set email = null, phone = null, record_object = null,"
                        + " record_id = null, certificate = coalesce(:cert, certificate), updated_at = :now where id = :id")
                .bind("cert", certificate).bind("now", at(clock.instant())).bind("id", id).execute());
    }

    private static OffsetDateTime at(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }

    /**
     * Anonymises every record of a copy of the data — a sandbox, never a live instance — with the strategies an erasure
     * uses (see docs/privacy.md); returns the records changed per object.
     */
    public static Map<String, Long> anonymiseCopy(Database copy, Schema schema) {
        return Erasure.anonymiseAll(copy, schema);
    }
}

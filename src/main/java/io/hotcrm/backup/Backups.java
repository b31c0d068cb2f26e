package io.hotcrm.backup;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.common.Ids;
import io.hotcrm.destinations.Destination;
import io.hotcrm.destinations.Destinations;
import io.hotcrm.files.FileStore;
import io.hotcrm.metadata.Catalogue;
import io.hotcrm.metadata.ObjectDef;
import io.hotcrm.security.AccessGuard;
import io.hotcrm.security.Principal;
import io.hotcrm.store.Database;
import io.hotcrm.store.Dialect;
import io.hotcrm.store.Schema;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Backups, verification and restores of the whole instance: the front door the CLI, REST and the console call. Only
 * roles that manage setup may use it.
 *
 * <ul>
 * <li>{@link #create}: every table in one consistent snapshot (PostgreSQL: one repeatable-read transaction; H2: one
 * snapshot transaction), taken while imports and exports run, then the file store, then the manifest — written to a
 * temporary file renamed when whole; memory does not grow with the data.</li>
 * <li>{@link #verify}: every entry's SHA-256 and row count against the manifest, and the manifest against its
 * checksum, without restoring.</li>
 * <li>{@link #restore}: into an empty database (or, when told, one whose data it replaces), H2 or PostgreSQL whichever the
 * archive came from: the manifest is checked first and every entry against it as it is read; the data is loaded into a
 * new database beside the current one at the archive's schema version, checked table by table against the manifest's
 * counts and content hashes, migrated
 * forward, and only then put in place of the current one, which is kept aside — a failed restore leaves the previous
 * data as it was. The instance's keys (identifier salt, certificate signing key) stay those of the running instance,
 * and the erasure ledger is marked to be replayed before the restored instance serves anyone.</li>
 * </ul>
 */
public final class Backups {
    /** Folders of a local file store (the data directory) that are not backed up: the database, scratch, outputs. */
    static final List<String> NOT_FILES = List.of("db/", "tmp/", "exports/", "backups/", "logs/", "sandboxes/");
    static final String RESTORE_NAME = "hotcrm_restore";
    /** The {@code hc_meta} key a restore sets: the erasure ledger is to be replayed before anyone is served. */
    public static final String LEDGER_REPLAY = "ledger_replay";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Backups.class);

    private static String secs(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e9);
    }

    private final Database db;
    private final FileStore files;
    private final String productVersion;

    private final byte[] key;

    public Backups(Database db, FileStore files, String productVersion) {
        this(db, files, productVersion, (String) null);
    }

    /**
     * @param backupKey the key backups are encrypted with ({@code HOTCRM_BACKUP_KEY}: 32 bytes in base64); null: backups are
     *                  not encrypted (encrypted ones cannot then be read)
     */
    public Backups(Database db, FileStore files, String productVersion, String backupKey) {
        this(db, files, productVersion, Sealed.key(backupKey), java.time.Clock.systemUTC(), null);
    }

    /** With the clock that dates drills and decides when one is overdue (tests turn it). */
    public Backups(Database db, FileStore files, String productVersion, String backupKey, java.time.Clock clock) {
        this(db, files, productVersion, Sealed.key(backupKey), clock, null);
    }

    /**
     * @param directory where backups go when no directory is named (the console and REST name none: an administrator
     *                  chooses it, {@code HOTCRM_BACKUP_DIR}, never a caller)
     */
    public Backups(Database db, FileStore files, String productVersion, String backupKey, Path directory) {
        this(db, files, productVersion, Sealed.key(backupKey), java.time.Clock.systemUTC(), directory);
    }

    private Backups(Database db, FileStore files, String productVersion, byte[] key, java.time.Clock clock, Path directory) {
        this.db = db;
        this.files = files;
        this.productVersion = productVersion;
        this.key = key;
        this.clock = clock;
        this.directory = directory;
    }

    private final Path directory;

    /** Writes a backup into the directory the administrator chose for backups. */
    public Created create(Principal p) {
        if (directory == null) {
            throw new HotCrmException(ErrorCode.CONFIGURATION, "No backup directory is set: name one (--output DIR) or set"
                    + " HOTCRM_BACKUP_DIR.");
        }
        return create(p, directory);
    }

    /** A backup this instance made, by id: its archive, for a download. */
    public Path archive(Principal p, UUID id) {
        return localFile(listed(p, id));
    }

    /** The archive of a backup in a directory, checked to be there still. */
    private static Path localFile(Listed b) {
        if (b.destination() != null) {
            throw HotCrmException.invalid("The backup " + b.id() + " lies at the destination " + b.destination() + " (" + b.location()
                    + "), not in a directory here.");
        }
        Path file = Path.of(b.location());
        if (!Files.isRegularFile(file)) {
            throw HotCrmException.notFound("The backup " + b.id() + " is no longer at " + file + ".");
        }
        return file;
    }

    private final java.time.Clock clock;
    /** A drill older than this is overdue: the console warns. */
    public static final java.time.Duration DRILL_DUE = java.time.Duration.ofDays(7);

    /** What a restore drill found. */
    public record Drill(UUID id, Instant startedAt, double seconds, String location, boolean succeeded, int tables, long rows,
                       String problem) {
    }

    /**
     * A restore drill: the archive given, or the newest backup this instance made whose file is still there, restored into
     * a scratch database (an embedded one in a temporary directory, whichever database the backup came from) — verified,
     * loaded, checked table by table against the manifest, migrated — then queried: every table counted, a row of every
     * object read, a write made. The scratch database is removed; the result is kept ({@link #drills}).
     */
    public Drill drill(Principal p, Path archive) {
        AccessGuard.requireSetup(p, "run a restore drill");
        if (archive == null) {
            Listed newest = list(p).stream().filter(b -> b.destination() != null || Files.isRegularFile(Path.of(b.location())))
                    .findFirst().orElseThrow(() -> HotCrmException.notFound("There is no backup to drill: make one (hotcrm backup create"
                            + " --output DIR), or name an archive."));
            if (newest.destination() != null) {
                return local(newest, file -> drill(p, file, newest.location()));
            }
            return drill(p, Path.of(newest.location()), newest.location());
        }
        return drill(p, archive, archive.toAbsolutePath().toString());
    }

    private Drill drill(Principal p, Path chosen, String location) {
        Instant started = clock.instant();
        long t0 = System.nanoTime();
        String problem = null;
        int tables = 0;
        long rows = 0;
        Path dir = null;
        try {
            dir = Files.createTempDirectory("hotcrm-drill-");
            String url = Database.embeddedUrl(dir);
            Database scratch = Database.open(url, "sa", "", 2);
            Restored r;
            try {
                r = new Backups(scratch, null, productVersion, key, clock, null).restoreArchive(chosen, false);
            } finally {
                scratch.close();
            }
            try (Database again = Database.open(url, "sa", "", 2)) {
                smoke(again);
            }
            tables = r.tables();
            rows = r.rows();
        } catch (IOException | RuntimeException e) {
            problem = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        } finally {
            deleteTree(dir);
        }
        Drill d = new Drill(Ids.newId(), started, (System.nanoTime() - t0) / 1e9, location, problem == null,
                tables, rows, problem == null ? null : problem.length() > 3900 ? problem.substring(0, 3900) : problem);
        db.jdbi().useHandle(h -> h.createUpdate("insert into hc_backup_drill (id, started_at, seconds, started_by, location, succeeded,"
                        + " tables, rows_total, problem) values (:id, :at, :s, :by, :loc, :ok, :t, :r, :problem)").bind("id", d.id())
                .bind("at", d.startedAt().atOffset(ZoneOffset.UTC)).bind("s", d.seconds()).bind("by", p.email()).bind("loc", d.location())
                .bind("ok", d.succeeded()).bind("t", d.tables()).bind("r", d.rows()).bind("problem", d.problem()).execute());
        return d;
    }

    /** Queries a restored database as people would use it: every table counted, a row of every object read, a write. */
    private static void smoke(Database restored) {
        restored.jdbi().useHandle(h -> {
            try (Connection c = restored.dataSource().getConnection()) {
                for (Tables.Table t : Tables.list(c)) {
                    h.createQuery("select count(*) from " + Dialect.q(t.name())).mapTo(Long.class).one();
                    if (t.name().startsWith("obj_")) {
                        h.createQuery("select * from " + Dialect.q(t.name()) + " fetch first 1 rows only").mapToMap().list();
                    }
                }
            } catch (SQLException e) {
                throw new HotCrmException(ErrorCode.INTERNAL, "A query on the restored database failed: " + e.getMessage(), e);
            }
            h.createUpdate("insert into hc_meta (meta_key, meta_value) values ('drill_probe', 'ok')").execute();
            h.createUpdate("delete from hc_meta where meta_key = 'drill_probe'").execute();
        });
    }

    /** The drills run, newest first. */
    public List<Drill> drills(Principal p) {
        AccessGuard.requireSetup(p, "list restore drills");
        return db.jdbi().withHandle(h -> h.createQuery("select * from hc_backup_drill order by started_at desc").map((rs, c) -> new Drill(
                rs.getObject("id", UUID.class), rs.getObject("started_at", OffsetDateTime.class).toInstant(), rs.getDouble("seconds"),
                rs.getString("location"), rs.getBoolean("succeeded"), rs.getInt("tables"), rs.getLong("rows_total"),
                rs.getString("problem"))).list());
    }

    /** When the last successful drill ran (null: never), and whether that is more than {@link #DRILL_DUE} ago. */
    public record DrillStatus(Instant lastSuccess, boolean overdue) {
    }

    public DrillStatus drillStatus(Principal p) {
        Instant last = drills(p).stream().filter(Drill::succeeded).map(Drill::startedAt).findFirst().orElse(null);
        return new DrillStatus(last, last == null || last.isBefore(clock.instant().minus(DRILL_DUE)));
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(Backups::deleteQuietly);
        } catch (IOException e) {
            // a scratch directory left behind is removed with the temporary directory
        }
    }

    /** The archive's plain bytes: decrypted with the key when it is encrypted. */
    private InputStream plain(Path archive) throws IOException {
        return plain(Files.newInputStream(archive), archive.getFileName().toString());
    }

    private InputStream plain(InputStream stored, String where) throws IOException {
        java.io.BufferedInputStream in = new java.io.BufferedInputStream(stored, 1 << 16);
        in.mark(Sealed.MAGIC.length());
        byte[] head = in.readNBytes(Sealed.MAGIC.length());
        in.reset();
        if (!Sealed.isSealed(head)) {
            return in;
        }
        if (key == null) {
            in.close();
            throw new HotCrmException(ErrorCode.CONFIGURATION, "The backup " + where + " is encrypted: set " + Sealed.ENV
                    + " to the key it was made with.");
        }
        return Sealed.open(in, key);
    }

    /** A backup made: where, how big, its SHA-256, and what it holds. */
    public record Created(UUID id, String archive, long bytes, String sha256, int tables, long rows, int files, double seconds) {
    }

    /**
     * Writes a backup of the instance into the directory as {@code hotcrm-backup-YYYYMMDD-HHMMSS.zip}: whole or not at all.
     */
    public Created create(Principal p, Path directory) {
        AccessGuard.requireSetup(p, "make a backup");
        Instant now = Instant.now();
        String ext = key == null ? ".zip" : ".zip.enc";
        Path target;
        Path temp;
        try {
            Files.createDirectories(directory);
            target = directory.resolve("hotcrm-backup-" + STAMP.format(now) + ext);
            for (int i = 2; Files.exists(target); i++) {
                target = directory.resolve("hotcrm-backup-" + STAMP.format(now) + "-" + i + ext);
            }
            temp = directory.resolve("." + target.getFileName() + ".part");
        } catch (IOException e) {
            throw new HotCrmException(ErrorCode.CONFIGURATION, "Cannot write a backup into " + directory + ": " + e.getMessage()
                    + ". Choose a directory HotCRM may write (--output DIR).", e);
        }
        return write(p, now, null, null, target.toAbsolutePath().toString(), fileSink(temp, target));
    }

    /** A local file written as {@code temp} and renamed to {@code target} when whole. */
    private static Sink fileSink(Path temp, Path target) {
        return new Sink() {
            @Override
            public OutputStream open() throws IOException {
                return Files.newOutputStream(temp);
            }

            @Override
            public void commit() throws IOException {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            }

            @Override
            public void abort() {
                deleteQuietly(temp);
            }
        };
    }

    /**
     * Writes a backup to a named destination (S3, GCS, Azure Blob, SFTP or an allowed local directory), streamed as it is
     * made: nothing is kept on this machine, and nothing is visible there until the archive is whole.
     */
    public Created create(Principal p, String destination) {
        AccessGuard.requireSetup(p, "make a backup");
        Place place = targets().destination(destination);
        AccessGuard.requireDestination(p, place.type());
        Instant now = Instant.now();
        String name = "hotcrm-backup-" + STAMP.format(now) + (key == null ? ".zip" : ".zip.enc");
        try (Destination d = targets().open(place.name())) {
            io.hotcrm.destinations.Upload[] upload = new io.hotcrm.destinations.Upload[1];
            return write(p, now, place.name(), name, Destinations.join(place.location(), name), new Sink() {
                @Override
                public OutputStream open() throws IOException {
                    upload[0] = d.upload(name);
                    return upload[0].stream();
                }

                @Override
                public void commit() throws IOException {
                    upload[0].commit();
                }

                @Override
                public void abort() {
                    if (upload[0] != null) {
                        upload[0].abort();
                    }
                }
            });
        }
    }

    /** Where an archive's bytes go: a stream, then made visible whole, or aborted leaving nothing. */
    private interface Sink {
        OutputStream open() throws IOException;

        void commit() throws IOException;

        void abort();
    }

    /** Passes bytes on, hashing and counting them (the archive's SHA-256 and size, known when it is written). */
    private static final class Summed extends java.io.FilterOutputStream {
        private final java.security.MessageDigest digest;
        private final long[] count;

        Summed(OutputStream out, java.security.MessageDigest digest, long[] count) {
            super(out);
            this.digest = digest;
            this.count = count;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            digest.update(b, off, len);
            count[0] += len;
            out.write(b, off, len);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }
    }

    private Created write(Principal p, Instant now, String destination, String fileName, String location, Sink sink) {
        long t0 = System.nanoTime();
        ObjectNode manifest = Archive.MAPPER.createObjectNode();
        manifest.put("format", Archive.FORMAT).put("product", "HotCRM").put("productVersion", productVersion)
                .put("schemaVersion", db.schemaVersion()).put("database", db.dialect() == Dialect.POSTGRES ? "postgresql" : "h2")
                .put("createdAt", now.toString());
        long rows;
        int fileCount;
        java.security.MessageDigest digest = Archive.sha256();
        long[] bytes = new long[1];
        try {
            try (OutputStream file = new Summed(sink.open(), digest, bytes); OutputStream raw = key == null ? file : Sealed.seal(file, key);
                 Archive.Writer w = new Archive.Writer(new java.io.BufferedOutputStream(raw, 1 << 16))) {
                rows = tables(w, manifest.putArray("tables"), manifest.putObject("sequences"));
                fileCount = files(w, manifest.putArray("files"));
                w.manifest(manifest);
            }
            sink.commit();
        } catch (IOException | SQLException e) {
            sink.abort();
            throw new HotCrmException(ErrorCode.UNAVAILABLE, "The backup failed and nothing was kept: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            sink.abort();
            throw e;
        }
        String sha = HexFormat.of().formatHex(digest.digest());
        UUID id = Ids.newId();
        int tables = manifest.path("tables").size();
        long total = rows;
        int fc = fileCount;
        if (location == null) {
            // a copy for a sandbox: not a backup of this instance, not listed
            return new Created(id, null, bytes[0], sha, tables, rows, fileCount, (System.nanoTime() - t0) / 1e9);
        }
        db.jdbi().useHandle(h -> h.createUpdate("insert into hc_backup (id, created_at, created_by, location, size, sha256,"
                        + " schema_version, database_kind, tables, rows_total, files, destination, file_name) values (:id, :at, :by,"
                        + " :loc, :size, :sha, :sv, :kind, :tables, :rows, :files, :dest, :fname)").bind("id", id)
                .bind("at", now.atOffset(ZoneOffset.UTC)).bind("by", p.email()).bind("loc", location).bind("size", bytes[0])
                .bind("sha", sha).bind("sv", manifest.path("schemaVersion").asText()).bind("kind", manifest.path("database").asText())
                .bind("tables", tables).bind("rows", total).bind("files", fc).bind("dest", destination).bind("fname", fileName).execute());
        return new Created(id, location, bytes[0], sha, tables, rows, fileCount, (System.nanoTime() - t0) / 1e9);
    }

    /** Every table, in one snapshot; returns the rows written. */
    private long tables(Archive.Writer w, ArrayNode out, ObjectNode sequences) throws SQLException, IOException {
        long total = 0;
        try (Connection c = db.dataSource().getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                if (db.dialect() == Dialect.POSTGRES) {
                    s.execute("set transaction isolation level repeatable read, read only");
                } else {
                    s.execute("set session characteristics as transaction isolation level snapshot");
                }
            }
            try {
                List<Tables.Table> tables = Tables.list(c);
                int n = 0;
                for (Tables.Table t : tables) {
                    String entry = String.format("tables/%03d-%s.jsonl", ++n, t.name());
                    OutputStream os = w.begin(entry);
                    Tables.Writer tw = new Tables.Writer(t);
                    try (Statement st = c.createStatement()) {
                        st.setFetchSize(5000);
                        try (ResultSet rs = st.executeQuery(Tables.select(t))) {
                            tw.write(rs, os);
                        }
                    }
                    Object[] done = w.end();
                    ObjectNode tn = out.addObject().put("name", t.name()).put("entry", entry).put("rows", tw.rows())
                            .put("sha256", (String) done[1]).put("contentHash", tw.hash());
                    ArrayNode cols = tn.putArray("columns");
                    t.columns().forEach(col -> cols.addObject().put("name", col.name()).put("type", col.type())
                            .put("identity", col.identity()));
                    total += tw.rows();
                }
                // read after the tables: never behind a value they hold
                sequences(c).forEach(sequences::put);
            } finally {
                c.rollback();
                if (db.dialect() == Dialect.H2) {
                    try (Statement s = c.createStatement()) {
                        s.execute("set session characteristics as transaction isolation level read committed");
                    }
                }
                c.setAutoCommit(auto);
            }
        }
        return total;
    }

    /** The next value of every sequence of the schema. */
    private Map<String, Long> sequences(Connection c) throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select sequence_name from information_schema.sequences"
                + " where sequence_schema = current_schema()")) {
            List<String> names = new ArrayList<>();
            while (rs.next()) {
                names.add(rs.getString(1).toLowerCase(java.util.Locale.ROOT));
            }
            for (String name : names) {
                String sql = db.dialect() == Dialect.POSTGRES
                        ? "select case when is_called then last_value + 1 else last_value end from " + Dialect.q(name)
                        : "select base_value from information_schema.sequences where lower(sequence_name) = '" + name + "'"
                        + " and sequence_schema = current_schema()";
                try (Statement q = c.createStatement(); ResultSet v = q.executeQuery(sql)) {
                    if (v.next()) {
                        out.put(name, v.getLong(1));
                    }
                }
            }
        }
        return out;
    }

    /** Every file of the file store (not the database, scratch or output folders of a data directory). */
    private int files(Archive.Writer w, ArrayNode out) throws IOException {
        int n = 0;
        for (String key : files.listAll()) {
            if (NOT_FILES.stream().anyMatch(key::startsWith) || key.endsWith(".part")) {
                continue;
            }
            InputStream in;
            try {
                in = files.open(key);
            } catch (HotCrmException e) {
                continue; // deleted since it was listed: not part of the snapshot any more
            }
            String entry = "files/" + key;
            try (java.io.BufferedInputStream b = new java.io.BufferedInputStream(in, 1 << 16)) {
                b.mark(1 << 16);
                byte[] sample = b.readNBytes(1 << 16);
                b.reset();
                b.transferTo(w.begin(entry, Archive.compressible(sample, sample.length)));
            }
            Object[] done = w.end();
            out.addObject().put("key", key).put("entry", entry).put("size", (Long) done[0]).put("sha256", (String) done[1]);
            n++;
        }
        return n;
    }

    /** What checking an archive found. */
    public record Verification(boolean valid, String problem, String entry, int tables, long rows, int files, String schemaVersion,
                               String database, String createdAt) {
    }

    /** Checks an archive without restoring it: every checksum and count. */
    public Verification verify(Principal p, Path archive) {
        AccessGuard.requireSetup(p, "verify a backup");
        if (!Files.isRegularFile(archive)) {
            throw HotCrmException.notFound("There is no backup " + archive + ".");
        }
        return verify(() -> Files.newInputStream(archive), archive.toString());
    }

    /**
     * Reads an archive once: its plain bytes checked entry by entry against the manifest, and the stored bytes hashed on
     * the way (to record the result on the backup they belong to).
     */
    private Verification verify(Archive.Source stored, String where) {
        java.security.MessageDigest digest = Archive.sha256();
        boolean[] whole = new boolean[1];
        Archive.Verified v = Archive.verify(() -> plain(new Drained(stored.open(), digest, whole), where));
        String sha = whole[0] ? HexFormat.of().formatHex(digest.digest()) : null;
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        if (sha != null) {
            db.jdbi().useHandle(h -> h.createUpdate("update hc_backup set verified_at = :at, verify_problem = :problem where sha256 = :sha")
                    .bind("at", now).bind("problem", v.problem()).bind("sha", sha).execute());
        }
        if (!v.ok()) {
            return new Verification(false, v.problem(), v.entry(), 0, 0, 0, null, null, null);
        }
        JsonNode m = v.manifest();
        long rows = 0;
        for (JsonNode t : m.path("tables")) {
            rows += t.path("rows").asLong();
        }
        return new Verification(true, null, null, m.path("tables").size(), rows, m.path("files").size(), m.path("schemaVersion").asText(),
                m.path("database").asText(), m.path("createdAt").asText());
    }

    /**
     * Hashes what is read, and on close reads (and hashes) what the reader left — a ZIP's central directory — so the
     * whole file's SHA-256 is known after one pass; {@code whole} says it got to the end.
     */
    private static final class Drained extends java.io.FilterInputStream {
        private final java.security.MessageDigest digest;
        private final boolean[] whole;

        Drained(InputStream in, java.security.MessageDigest digest, boolean[] whole) {
            super(in);
            this.digest = digest;
            this.whole = whole;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int r = in.read(b, off, len);
            if (r > 0) {
                digest.update(b, off, r);
            }
            return r;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buf = new byte[(int) Math.min(n, 1 << 16)];
            int r = read(buf, 0, buf.length);
            return Math.max(r, 0);
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        @Override
        public void close() throws IOException {
            try {
                byte[] buf = new byte[1 << 16];
                while (read(buf, 0, buf.length) >= 0) {
                    // the rest is hashed too
                }
                whole[0] = true;
            } catch (IOException e) {
                // unreadable: the verification says so
            } finally {
                in.close();
            }
        }
    }

    /** What a restore did. */
    public record Restored(int tables, long rows, int files, String fromDatabase, String fromSchema, String keptAs, double seconds) {
    }

    /**
     * Restores the archive into this instance's database (see the class comment). Refuses an archive that does not
     * verify, one from a newer schema, and a database that holds records unless {@code replace}. This database is
     * closed afterwards: open the instance again (which replays the erasure ledger before anything else).
     */
    public Restored restore(Principal p, Path archive, boolean replace) {
        AccessGuard.requireSetup(p, "restore a backup");
        return restoreArchive(archive, replace);
    }

    private Restored restoreArchive(Path archive, boolean replace) {
        long t0 = System.nanoTime();
        if (!Files.isRegularFile(archive)) {
            throw HotCrmException.notFound("There is no backup " + archive + ".");
        }
        Path zipFile = archive;
        Path decrypted = null;
        try {
            if (!isZip(archive)) {
                // encrypted: decrypted into a scratch file first (the restore reads entries in any order); a wrong key stops
                // here, before anything is written
                try (InputStream in = plain(archive)) {
                    decrypted = Files.createTempFile("hotcrm-restore-", ".zip");
                    Files.copy(in, decrypted, StandardCopyOption.REPLACE_EXISTING);
                } catch (Sealed.WrongKey e) {
                    throw HotCrmException.invalid("The backup " + archive.getFileName() + " was not restored: " + e.getMessage() + ".");
                } catch (IOException e) {
                    throw HotCrmException.invalid("The backup " + archive.getFileName() + " is not sound: " + e.getMessage()
                            + ". Nothing was restored; use another backup.");
                }
                zipFile = decrypted;
            }
            return restore(archive, zipFile, replace, t0);
        } finally {
            deleteQuietly(decrypted);
        }
    }

    private static boolean isZip(Path archive) {
        try (InputStream in = Files.newInputStream(archive)) {
            return !Sealed.isSealed(in.readNBytes(Sealed.MAGIC.length()));
        } catch (IOException e) {
            return true;
        }
    }

    private Restored restore(Path archive, Path zipFile, boolean replace, long t0) {
        // the manifest is checked first; every entry is checked against it as it is read, before anything is put in place
        JsonNode m = manifest(archive, zipFile);
        String version = m.path("schemaVersion").asText();
        String ours = db.schemaVersion();
        if (Database.compareVersions(version, ours) > 0) {
            throw new HotCrmException(ErrorCode.CONFLICT, "The backup " + archive.getFileName() + " was made by a newer HotCRM (schema "
                    + version + "; this one has " + ours + "). Restore it with that version of HotCRM or a newer one.");
        }
        if (db.openElsewhere()) {
            throw new HotCrmException(ErrorCode.CONFLICT, "The embedded database is open in another process (hotcrm serve, or another"
                    + " command). Stop it, then restore.");
        }
        long held = records();
        if (held > 0 && !replace) {
            throw new HotCrmException(ErrorCode.CONFLICT, "The database already holds " + held + " records. Restore into an empty"
                    + " database, or replace its data with --replace (the current data is kept aside until the restored copy is"
                    + " checked).");
        }
        List<Object[]> keys = db.jdbi().withHandle(h -> h.createQuery("select name, key_value, created_at from hc_privacy_key")
                .map((rs, c) -> new Object[] {rs.getString(1), rs.getString(2), rs.getObject(3, OffsetDateTime.class)}).list());
        Database restored = db.beside(RESTORE_NAME, version);
        long rows = 0;
        List<String> written = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread[] fileThreadHolder = new Thread[1];
        try (ZipFile zip = new ZipFile(zipFile.toFile())) {
            List<JsonNode> tables = new ArrayList<>();
            m.path("tables").forEach(tables::add);
            clear(restored, tables);
            long tl = System.nanoTime();
            // the files meanwhile, on a thread of their own (see restoreFiles)
            java.util.concurrent.FutureTask<Void> fileTask = new java.util.concurrent.FutureTask<>(() -> {
                restoreFiles(archive, zip, m, written);
                return null;
            });
            Thread fileThread = new Thread(fileTask, "restore-files");
            fileThread.setDaemon(true);
            fileThreadHolder[0] = fileThread;
            fileThread.start();
            // each table is checked against the manifest on a second thread as soon as its rows are in, while the next
            // table loads and a large table's indexes are built
            java.util.concurrent.ExecutorService checker = java.util.concurrent.Executors.newSingleThreadExecutor(run -> {
                Thread th = new Thread(run, "restore-check");
                th.setDaemon(true);
                return th;
            });
            List<java.util.concurrent.Future<?>> checks = new ArrayList<>();
            // (on PostgreSQL; H2 does not take a query in one session while another changes tables, so there it checks here)
            java.util.concurrent.Executor runner = restored.dialect() == Dialect.H2 ? Runnable::run : checker;
            java.util.function.Consumer<JsonNode> check = t -> {
                java.util.concurrent.FutureTask<Void> task = new java.util.concurrent.FutureTask<>(() -> {
                    check(restored, t);
                    return null;
                });
                checks.add(task);
                runner.execute(task);
            };
            long tc;
            try {
                for (JsonNode t : tables) {
                    if (!t.path("name").asText().startsWith("obj_")) {
                        rows += load(archive, restored, zip, t, check);
                    }
                }
                // the object tables, with the custom fields the restored system tables name
                new Schema(restored, Catalogue.standard()).sync();
                for (JsonNode t : tables) {
                    if (t.path("name").asText().startsWith("obj_")) {
                        rows += load(archive, restored, zip, t, check);
                    }
                }
                setSequences(restored, tables, m.path("sequences"));
                tc = System.nanoTime();
                for (java.util.concurrent.Future<?> f : checks) {
                    awaitCheck(f);
                }
            } finally {
                checker.shutdownNow();
            }
            long tm = System.nanoTime();
            restored.migrate();
            restored.jdbi().useTransaction(h -> {
                if (!keys.isEmpty()) {
                    // the running instance's keys stay: certificates it signed since the backup must still verify
                    h.execute("delete from hc_privacy_key");
                    for (Object[] k : keys) {
                        h.createUpdate("insert into hc_privacy_key (name, key_value, created_at) values (:n, :v, :at)").bind("n", k[0])
                                .bind("v", k[1]).bind("at", k[2]).execute();
                    }
                }
                h.createUpdate("delete from hc_meta where meta_key = :k").bind("k", LEDGER_REPLAY).execute();
                h.createUpdate("insert into hc_meta (meta_key, meta_value) values (:k, :v)").bind("k", LEDGER_REPLAY)
                        .bind("v", "pending since restore of " + archive.getFileName()).execute();
            });
            awaitCheck(fileTask);
            LOG.info("Restore of {}: rows loaded in {} s, the last checks against the manifest waited for {} s more, files and the"
                            + " rest in {} s",
                    archive.getFileName(), secs(tc - tl), secs(tm - tc), secs(System.nanoTime() - tm));
        } catch (java.util.zip.ZipException e) {
            db.dropBeside(restored, RESTORE_NAME);
            unwrite(fileThreadHolder[0], written);
            throw HotCrmException.invalid("The backup " + archive.getFileName() + " is not sound: " + e.getMessage() + ". Nothing was"
                    + " restored; use another backup.");
        } catch (IOException | SQLException | RuntimeException e) {
            db.dropBeside(restored, RESTORE_NAME);
            unwrite(fileThreadHolder[0], written);
            if (e instanceof HotCrmException he) {
                throw he;
            }
            throw new HotCrmException(ErrorCode.UNAVAILABLE, "The restore failed; the data in place was not touched: " + e.getMessage(), e);
        }
        String keptAs = "hotcrm_before_restore_" + STAMP.format(Instant.now()).replace("-", "_");
        db.replaceBy(restored, RESTORE_NAME, keptAs);
        return new Restored(m.path("tables").size(), rows, m.path("files").size(), m.path("database").asText(), version,
                held > 0 ? keptAs : null, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * The archive's files into the file store, while the tables load: each is checked against its SHA-256 as it is read and
     * put in place only when it matches. A file the store holds already is left as it is (keys carry ids: the bytes are the
     * same); one it does not hold is written and remembered, so a restore that fails afterwards removes it again — nothing
     * a later erasure deleted comes back from a failed restore. A drill (no file store) only checks them.
     */
    private void restoreFiles(Path archive, ZipFile zip, JsonNode m, List<String> written) throws IOException {
        for (JsonNode f : m.path("files")) {
            if (Thread.currentThread().isInterrupted()) {
                throw new IOException("the restore stopped");
            }
            String entry = f.path("entry").asText();
            String key = f.path("key").asText();
            if (files == null || files.exists(key)) {
                checked(archive, zip, entry, f.path("sha256").asText(), OutputStream.nullOutputStream());
                continue;
            }
            try (FileStore.NewFile nf = files.create(key)) {
                checked(archive, zip, entry, f.path("sha256").asText(), nf.stream());
                nf.commit();
                written.add(key);
            }
        }
    }

    /** Stops the file thread and removes the files a failed restore wrote (none of them was in the store before it). */
    private void unwrite(Thread fileThread, List<String> written) {
        if (fileThread != null) {
            fileThread.interrupt();
            try {
                fileThread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (written) {
            for (String key : written) {
                try {
                    files.delete(key);
                } catch (RuntimeException e) {
                    LOG.warn("A file a failed restore wrote could not be removed: {}", key);
                }
            }
        }
    }

    /** The archive's manifest, checked against its checksum; a damaged or cut archive is refused, naming the entry. */
    private static JsonNode manifest(Path archive, Path zipFile) {
        String problem;
        try (ZipFile z = new ZipFile(zipFile.toFile())) {
            ZipEntry me = z.getEntry(Archive.MANIFEST);
            ZipEntry se = z.getEntry(Archive.MANIFEST_SUM);
            if (me == null || se == null) {
                problem = "it has no " + (me == null ? Archive.MANIFEST : Archive.MANIFEST_SUM) + ": it is cut short, or not a HotCRM backup";
            } else {
                byte[] mb;
                String sum;
                try (InputStream in = z.getInputStream(me)) {
                    mb = in.readAllBytes();
                }
                try (InputStream in = z.getInputStream(se)) {
                    sum = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).strip();
                }
                JsonNode m = Archive.MAPPER.readTree(mb);
                problem = !HexFormat.of().formatHex(Archive.sha256().digest(mb)).equals(sum)
                        ? Archive.MANIFEST + " does not match its checksum in " + Archive.MANIFEST_SUM
                        : !Archive.FORMAT.equals(m.path("format").asText()) ? "its format is " + m.path("format").asText("unknown")
                        + ", not " + Archive.FORMAT : null;
                if (problem == null) {
                    return m;
                }
            }
        } catch (IOException e) {
            // not readable as a ZIP (cut short, damaged): the sequential check names where
            Archive.Verified v = Archive.verify(() -> Files.newInputStream(zipFile));
            problem = v.ok() ? e.getMessage() : v.problem();
        }
        throw HotCrmException.invalid("The backup " + archive.getFileName() + " is not sound: " + problem + ". Nothing was restored;"
                + " use another backup.");
    }

    /** Copies an entry to {@code out}, checking its bytes against the SHA-256 the manifest gives. */
    private static void checked(Path archive, ZipFile zip, String entry, String sha, OutputStream out) throws IOException {
        ZipEntry e = zip.getEntry(entry);
        if (e == null) {
            throw HotCrmException.invalid("The backup " + archive.getFileName() + " is not sound: " + entry + " is missing. Nothing was"
                    + " restored; use another backup.");
        }
        var d = Archive.sha256();
        try (InputStream in = new java.security.DigestInputStream(zip.getInputStream(e), d)) {
            in.transferTo(out);
        } catch (java.util.zip.ZipException ex) {
            throw damaged(archive, entry, ex);
        }
        mustMatch(archive, entry, d, sha);
    }

    private static HotCrmException damaged(Path archive, String entry, java.util.zip.ZipException e) {
        return HotCrmException.invalid("The backup " + archive.getFileName() + " is not sound: " + entry + " is damaged (" + e.getMessage()
                + "). Nothing was restored; use another backup.");
    }

    private static void mustMatch(Path archive, String entry, java.security.MessageDigest d, String sha) {
        if (!HexFormat.of().formatHex(d.digest()).equals(sha)) {
            throw HotCrmException.invalid("The backup " + archive.getFileName() + " is not sound: " + entry + " does not match its"
                    + " SHA-256 in the manifest (changed or damaged). Nothing was restored; use another backup.");
        }
    }

    /** The records the database holds (every object table but users, in the recycle bin or not). */
    private long records() {
        List<String> present = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection()) {
            Tables.list(c).forEach(t -> present.add(t.name()));
        } catch (SQLException e) {
            throw new HotCrmException(ErrorCode.UNAVAILABLE, "Cannot read the database's tables: " + e.getMessage(), e);
        }
        return db.jdbi().withHandle(h -> {
            long n = 0;
            for (ObjectDef o : Catalogue.standard().objects()) {
                // the users a new instance starts with (its first administrator) are not records to protect
                if (!o.name().equals("user") && present.contains(o.tableName())) {
                    n += h.createQuery("select count(*) from " + o.tableName()).mapTo(Long.class).one();
                }
            }
            return n;
        });
    }

    /** Empties the restored database's tables (rows its migrations seeded are the archive's to give). */
    private static void clear(Database r, List<JsonNode> tables) throws SQLException {
        List<String> present = new ArrayList<>();
        try (Connection c = r.dataSource().getConnection()) {
            for (Tables.Table t : Tables.list(c)) {
                present.add(t.name());
            }
        }
        r.jdbi().useHandle(h -> {
            for (int i = tables.size() - 1; i >= 0; i--) {
                String name = tables.get(i).path("name").asText();
                if (present.contains(name)) {
                    h.execute("delete from " + Dialect.q(name));
                }
            }
        });
    }

    /**
     * Loads a table's rows from its entry; returns how many. On PostgreSQL a large table's indexes, primary key and unique
     * constraints are dropped first and made again afterwards (as pg_restore does: one sorted build instead of an insert per
     * row and index).
     */
    private static long load(Path archive, Database r, ZipFile zip, JsonNode t, java.util.function.Consumer<JsonNode> loaded)
            throws IOException, SQLException {
        String name = t.path("name").asText();
        if (r.dialect() != Dialect.POSTGRES || t.path("rows").asLong() < 10_000) {
            long t0 = System.nanoTime();
            long n = loadRows(archive, r, zip, t);
            loaded.accept(t);
            if (System.nanoTime() - t0 > 500_000_000L) {
                LOG.info("Restored {}: {} rows in {} s", name, n, secs(System.nanoTime() - t0));
            }
            return n;
        }
        // the table's indexes that back no constraint, and its primary key and unique constraints that no foreign key
        // needs: their names, and the statements that make them again
        Map<String, String> indexes = new LinkedHashMap<>();
        Map<String, String> constraints = new LinkedHashMap<>();
        r.jdbi().useHandle(h -> {
            h.createQuery("select indexname, indexdef from pg_indexes i where schemaname = current_schema() and"
                            + " tablename = :t and not exists (select 1 from pg_constraint c where c.conname = i.indexname and"
                            + " c.connamespace = (select oid from pg_namespace where nspname = current_schema()))")
                    .bind("t", name).map((rs, c) -> indexes.put(rs.getString(1), rs.getString(2))).list();
            h.createQuery("select c.conname, pg_get_constraintdef(c.oid) from pg_constraint c where c.conrelid = cast(:t as regclass)"
                            + " and c.contype in ('p', 'u') and not exists (select 1 from pg_constraint f where f.contype = 'f'"
                            + " and f.confrelid = c.conrelid)")
                    .bind("t", name).map((rs, c) -> constraints.put(rs.getString(1), rs.getString(2))).list();
            indexes.keySet().forEach(n -> h.execute("drop index " + Dialect.q(n)));
            constraints.keySet().forEach(n -> h.execute("alter table " + Dialect.q(name) + " drop constraint " + Dialect.q(n)));
        });
        long t0 = System.nanoTime();
        long n = loadRows(archive, r, zip, t);
        long t1 = System.nanoTime();
        r.jdbi().useHandle(h -> {
            h.execute("set maintenance_work_mem = '256MB'");
            // a duplicate key the archive somehow holds fails here, before the table is checked
            constraints.forEach((c, def) -> h.execute("alter table " + Dialect.q(name) + " add constraint " + Dialect.q(c) + " " + def));
        });
        // checked while its other indexes are built
        loaded.accept(t);
        r.jdbi().useHandle(h -> {
            h.execute("set maintenance_work_mem = '256MB'");
            indexes.values().forEach(h::execute);
            h.execute("analyze " + Dialect.q(name));
        });
        LOG.info("Restored {}: {} rows in {} s, its key and {} indexes in {} s", name, n, secs(t1 - t0), indexes.size(),
                secs(System.nanoTime() - t1));
        return n;
    }

    /**
     * The rows into PostgreSQL's COPY: the neutral spelling is what PostgreSQL reads (ids, times, decimals as text), so the
     * values go through as they are; one thread turns JSON into CSV while the server takes the previous rows.
     */
    private static long copyIn(Connection c, String sql, JsonParser p, List<Tables.Column> columns) throws IOException, SQLException {
        var copy = new org.postgresql.copy.CopyManager(c.unwrap(org.postgresql.core.BaseConnection.class));
        java.io.PipedInputStream in = new java.io.PipedInputStream(1 << 20);
        java.io.PipedOutputStream out = new java.io.PipedOutputStream(in);
        long[] n = new long[1];
        Exception[] failed = new Exception[1];
        Thread producer = new Thread(() -> {
            try (java.io.Writer w = new java.io.OutputStreamWriter(new java.io.BufferedOutputStream(out, 1 << 16),
                    java.nio.charset.StandardCharsets.UTF_8)) {
                StringBuilder b = new StringBuilder(4096);
                for (JsonToken tok = p.nextToken(); tok != null; tok = p.nextToken()) {
                    b.setLength(0);
                    for (int i = 0; i < columns.size(); i++) {
                        JsonToken v = p.nextToken();
                        if (i > 0) {
                            b.append(',');
                        }
                        if (v != JsonToken.VALUE_NULL) {
                            Tables.appendCsv(b, columns.get(i).type().equals("binary")
                                    ? java.util.Base64.getDecoder().decode(p.getText()) : p.getText());
                        }
                    }
                    if (p.nextToken() != JsonToken.END_ARRAY) {
                        throw new IOException("a row has more values than its table's " + columns.size() + " columns");
                    }
                    w.append(b).append('\n');
                    n[0]++;
                }
            } catch (IOException | RuntimeException e) {
                failed[0] = e;
            }
        }, "restore-rows");
        producer.start();
        try {
            copy.copyIn(sql, in);
        } finally {
            in.close();
            try {
                producer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (failed[0] != null) {
            throw failed[0] instanceof IOException io ? io : new IOException(failed[0].getMessage(), failed[0]);
        }
        return n[0];
    }

    private static long loadRows(Path archive, Database r, ZipFile zip, JsonNode t) throws IOException, SQLException {
        String name = t.path("name").asText();
        List<Tables.Column> columns = new ArrayList<>();
        t.path("columns").forEach(c -> columns.add(new Tables.Column(c.path("name").asText(), c.path("type").asText(),
                c.path("identity").asBoolean())));
        StringBuilder cols = new StringBuilder();
        for (Tables.Column c : columns) {
            cols.append(cols.length() == 0 ? "" : ", ").append(Dialect.q(c.name()));
        }
        long n = 0;
        String entry = t.path("entry").asText();
        ZipEntry ze = zip.getEntry(entry);
        if (ze == null) {
            throw HotCrmException.invalid("The backup " + archive.getFileName() + " is not sound: " + entry + " is missing. Nothing was"
                    + " restored; use another backup.");
        }
        var digest = Archive.sha256();
        try (Connection c = r.dataSource().getConnection(); InputStream in = new java.security.DigestInputStream(zip.getInputStream(ze),
                digest); JsonParser p = Tables.JSON.createParser(in)) {
            c.setAutoCommit(false);
            if (r.dialect() == Dialect.POSTGRES) {
                // a record table (no foreign key points at one) is emptied in the same transaction, so its rows go in frozen:
                // nothing rewrites them when they are first read (by the check, the index builds)
                boolean freeze = name.startsWith("obj_");
                if (freeze) {
                    try (Statement st = c.createStatement()) {
                        st.execute("truncate table " + Dialect.q(name));
                    }
                }
                n = copyIn(c, "copy " + Dialect.q(name) + " (" + cols + ") from stdin with (format csv" + (freeze ? ", freeze" : "")
                        + ")", p, columns);
            } else {
                StringBuilder marks = new StringBuilder();
                for (int i = 0; i < columns.size(); i++) {
                    marks.append(i == 0 ? "?" : ", ?");
                }
                try (PreparedStatement ps = c.prepareStatement("insert into " + Dialect.q(name) + " (" + cols + ") values (" + marks + ")")) {
                    int batch = 0;
                    for (JsonToken tok = p.nextToken(); tok != null; tok = p.nextToken()) {
                        Tables.bind(ps, Tables.readRow(p, columns), columns);
                        ps.addBatch();
                        n++;
                        if (++batch == 1000) {
                            ps.executeBatch();
                            batch = 0;
                        }
                    }
                    if (batch > 0) {
                        ps.executeBatch();
                    }
                }
            }
            in.transferTo(OutputStream.nullOutputStream());
            // the rows loaded are the rows backed up: checked before they are committed
            mustMatch(archive, entry, digest, t.path("sha256").asText());
            c.commit();
        } catch (SQLException e) {
            throw new SQLException("loading " + name + ": " + e.getMessage(), e);
        } catch (java.util.zip.ZipException e) {
            throw damaged(archive, entry, e);
        }
        return n;
    }

    /** Sequences and identity columns continue after the restored values, so new writes work at once. */
    private static void setSequences(Database r, List<JsonNode> tables, JsonNode sequences) {
        r.jdbi().useHandle(h -> {
            List<String> present = h.createQuery("select lower(sequence_name) from information_schema.sequences where sequence_schema"
                    + " = current_schema()").mapTo(String.class).list();
            for (var it = sequences.properties().iterator(); it.hasNext(); ) {
                var e = it.next();
                if (!present.contains(e.getKey())) {
                    continue;
                }
                long next = Math.max(1, e.getValue().asLong());
                if (r.dialect() == Dialect.POSTGRES) {
                    h.createQuery("select setval(:s, :v, false)").bind("s", e.getKey()).bind("v", next).mapTo(Long.class).one();
                } else {
                    h.execute("alter sequence " + Dialect.q(e.getKey()) + " restart with " + next);
                }
            }
            for (JsonNode t : tables) {
                for (JsonNode c : t.path("columns")) {
                    if (!c.path("identity").asBoolean()) {
                        continue;
                    }
                    String table = t.path("name").asText();
                    String col = c.path("name").asText();
                    long next = h.createQuery("select coalesce(max(" + Dialect.q(col) + "), 0) + 1 from " + Dialect.q(table))
                            .mapTo(Long.class).one();
                    if (r.dialect() == Dialect.POSTGRES) {
                        h.createQuery("select setval(pg_get_serial_sequence(:t, :c), :v, false)").bind("t", table).bind("c", col)
                                .bind("v", next).mapTo(Long.class).one();
                    } else {
                        h.execute("alter table " + Dialect.q(table) + " alter column " + Dialect.q(col) + " restart with " + next);
                    }
                }
            }
        });
    }

    /** A restored table holds the rows the manifest counted, with the same content hash: the restore is proven. */
    private static void check(Database r, JsonNode t) throws SQLException, IOException {
        try (Connection c = r.dataSource().getConnection()) {
            List<Tables.Column> columns = new ArrayList<>();
            t.path("columns").forEach(col -> columns.add(new Tables.Column(col.path("name").asText(), col.path("type").asText(),
                    col.path("identity").asBoolean())));
            Tables.Table table = new Tables.Table(t.path("name").asText(), columns);
            Tables.Writer w = new Tables.Writer(table);
            try (Statement s = c.createStatement()) {
                if (r.dialect() == Dialect.POSTGRES) {
                    c.setAutoCommit(false);
                    s.setFetchSize(5000);
                }
                try (ResultSet rs = s.executeQuery(Tables.select(table))) {
                    w.write(rs, null);
                }
            } finally {
                if (!c.getAutoCommit()) {
                    c.rollback();
                    c.setAutoCommit(true);
                }
            }
            if (w.rows() != t.path("rows").asLong() || !w.hash().equals(t.path("contentHash").asText())) {
                throw new HotCrmException(ErrorCode.INTERNAL, "The restored table " + table.name() + " does not match the backup ("
                        + w.rows() + " rows, the backup has " + t.path("rows").asLong() + (w.rows() == t.path("rows").asLong()
                        ? "; their content differs" : "") + "). Nothing was replaced.");
            }
        }
    }

    /** Waits for a table's check; its failure is the restore's. */
    private static void awaitCheck(java.util.concurrent.Future<?> f) throws SQLException, IOException {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the restored tables were checked", e);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof HotCrmException he) {
                throw he;
            }
            if (cause instanceof SQLException se) {
                throw se;
            }
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException(String.valueOf(cause.getMessage()), cause);
        }
    }

    /** How many backups to keep: the newest of each of the last {@code daily} days, {@code weekly} weeks, {@code monthly} months. */
    public record Retention(int daily, int weekly, int monthly) {
        public static final Retention DEFAULT = new Retention(7, 4, 12);

        public Retention {
            if (daily < 0 || weekly < 0 || monthly < 0 || daily + weekly + monthly == 0) {
                throw HotCrmException.invalid("Keep at least one backup: daily, weekly and monthly counts are 0 or more, not all 0.");
            }
        }
    }

    /** What pruning kept and deleted. */
    public record Pruned(List<Listed> kept, List<Listed> deleted) {
    }

    /**
     * Deletes the backups the retention does not keep (their archives and their records): kept are the newest backup of
     * each of the last {@code daily} calendar days, {@code weekly} weeks (Monday to Sunday) and {@code monthly} months,
     * counted back from today (UTC), and always the newest backup that was verified sound — so pruning never leaves an
     * instance without a backup known to be good.
     */
    public Pruned prune(Principal p, Retention retention) {
        return prune(p, retention, null);
    }

    /**
     * Prunes the backups at one place (a named destination: {@code "destination:NAME"}; a directory: {@code "dir:PATH"}), or
     * at each place apart when {@code place} is null — a place's own newest verified backup is always kept.
     */
    Pruned prune(Principal p, Retention retention, String place) {
        AccessGuard.requireSetup(p, "prune backups");
        Map<String, List<Listed>> byPlace = new LinkedHashMap<>();
        for (Listed b : list(p)) {
            if (place == null || place.equals(b.place())) {
                byPlace.computeIfAbsent(b.place(), k -> new ArrayList<>()).add(b);
            }
        }
        java.time.LocalDate today = java.time.LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        List<Listed> kept = new ArrayList<>();
        List<Listed> deleted = new ArrayList<>();
        for (List<Listed> all : byPlace.values()) {
            java.util.Set<UUID> keep = new java.util.HashSet<>();
            keepNewestPer(all, keep, b -> java.time.LocalDate.ofInstant(b.createdAt(), ZoneOffset.UTC), today, retention.daily(),
                    d -> d.minusDays(1));
            keepNewestPer(all, keep, b -> java.time.LocalDate.ofInstant(b.createdAt(), ZoneOffset.UTC).with(java.time.DayOfWeek.MONDAY),
                    today.with(java.time.DayOfWeek.MONDAY), retention.weekly(), d -> d.minusWeeks(1));
            keepNewestPer(all, keep, b -> java.time.LocalDate.ofInstant(b.createdAt(), ZoneOffset.UTC).withDayOfMonth(1),
                    today.withDayOfMonth(1), retention.monthly(), d -> d.minusMonths(1));
            all.stream().filter(Listed::sound).findFirst().ifPresent(b -> keep.add(b.id()));
            for (Listed b : all) {
                if (keep.contains(b.id())) {
                    kept.add(b);
                    continue;
                }
                delete(b);
                deleted.add(b);
            }
        }
        return new Pruned(kept, deleted);
    }

    /** Deletes a backup's archive (in its directory or at its destination), then its record. */
    private void delete(Listed b) {
        if (b.destination() == null) {
            deleteQuietly(Path.of(b.location()));
        } else {
            try (Destination d = targets().open(b.destination())) {
                d.delete(b.fileName());
            } catch (IOException e) {
                throw new HotCrmException(ErrorCode.UNAVAILABLE, "The backup " + b.location() + " could not be deleted: " + e.getMessage()
                        + ". Nothing else was pruned after it; try again.", e);
            }
        }
        db.jdbi().useHandle(h -> h.createUpdate("delete from hc_backup where id = :id").bind("id", b.id()).execute());
    }

    /** Keeps the newest backup (the list is newest first) of each of {@code count} periods counted back from {@code current}. */
    private static void keepNewestPer(List<Listed> all, java.util.Set<UUID> keep, java.util.function.Function<Listed, java.time.LocalDate> period,
                                      java.time.LocalDate current, int count, java.util.function.UnaryOperator<java.time.LocalDate> back) {
        java.time.LocalDate p = current;
        for (int i = 0; i < count; i++) {
            java.time.LocalDate wanted = p;
            all.stream().filter(b -> period.apply(b).equals(wanted)).findFirst().ifPresent(b -> keep.add(b.id()));
            p = back.apply(p);
        }
    }

    /** A backup this instance made, as listed. */
    public record Listed(UUID id, Instant createdAt, String createdBy, String location, long size, String sha256, String schemaVersion,
                         String database, int tables, long rows, int files, Instant verifiedAt, String verifyProblem, String destination,
                         String fileName) {
        /** Whether it was verified and found sound. */
        public boolean sound() {
            return verifiedAt != null && verifyProblem == null;
        }

        /** Where it lies, for grouping: its named destination, or its local directory. */
        String place() {
            return destination != null ? "destination:" + destination : "dir:" + Path.of(location).toAbsolutePath().getParent();
        }
    }

    /** The backups this instance made, newest first. */
    public List<Listed> list(Principal p) {
        AccessGuard.requireSetup(p, "list backups");
        return db.jdbi().withHandle(h -> h.createQuery("select * from hc_backup order by created_at desc").map((rs, c) -> new Listed(
                rs.getObject("id", UUID.class), rs.getObject("created_at", OffsetDateTime.class).toInstant(), rs.getString("created_by"),
                rs.getString("location"), rs.getLong("size"), rs.getString("sha256"), rs.getString("schema_version"),
                rs.getString("database_kind"), rs.getInt("tables"), rs.getLong("rows_total"), rs.getInt("files"),
                rs.getObject("verified_at", OffsetDateTime.class) == null ? null
                        : rs.getObject("verified_at", OffsetDateTime.class).toInstant(), rs.getString("verify_problem"),
                rs.getString("destination"), rs.getString("file_name"))).list());
    }

    private Listed listed(Principal p, UUID id) {
        return list(p).stream().filter(x -> x.id().equals(id)).findFirst()
                .orElseThrow(() -> HotCrmException.notFound("There is no backup " + id + ". See them with: hotcrm backup list"));
    }

    /** A backup to download: its archive's file name and its bytes as stored (encrypted when it was). */
    public record Download(String fileName, InputStream bytes) {
    }

    /** A backup's archive, from its directory or its destination, for a download. */
    public Download download(Principal p, UUID id) {
        AccessGuard.requireSetup(p, "download a backup");
        Listed b = listed(p, id);
        return new Download(b.destination() == null ? Path.of(b.location()).getFileName().toString() : b.fileName(), open(b));
    }

    private InputStream open(Listed b) {
        try {
            if (b.destination() == null) {
                return Files.newInputStream(localFile(b));
            }
            return targets().open(b.destination()).openHandingOver(b.fileName());
        } catch (IOException e) {
            throw HotCrmException.notFound("The backup " + b.id() + " cannot be read at " + b.location() + ": " + e.getMessage());
        }
    }

    /**
     * Runs {@code use} on the backup's archive as a local file: in place when it is in a directory, downloaded into a
     * scratch file (removed afterwards) when it is at a destination.
     */
    private <T> T local(Listed b, java.util.function.Function<Path, T> use) {
        if (b.destination() == null) {
            return use.apply(localFile(b));
        }
        Path temp = null;
        try {
            temp = Files.createTempFile("hotcrm-backup-", ".download");
            try (InputStream in = open(b)) {
                Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new HotCrmException(ErrorCode.UNAVAILABLE, "The backup could not be downloaded from " + b.location() + ": "
                        + e.getMessage(), e);
            }
            return use.apply(temp);
        } catch (IOException e) {
            throw new HotCrmException(ErrorCode.UNAVAILABLE, "No scratch file for the download: " + e.getMessage(), e);
        } finally {
            deleteQuietly(temp);
        }
    }

    /** Checks a backup this instance made, by id, wherever it lies: read once, as it streams from there. */
    public Verification verify(Principal p, UUID id) {
        AccessGuard.requireSetup(p, "verify a backup");
        Listed b = listed(p, id);
        return verify(() -> open(b), b.location());
    }

    /** Restores a backup this instance made, by id (downloaded first when it lies at a destination). */
    public Restored restore(Principal p, UUID id, boolean replace) {
        AccessGuard.requireSetup(p, "restore a backup");
        return local(listed(p, id), file -> restoreArchive(file, replace));
    }

    // ---------------------------------------------------------------- destinations and schedules

    private Targets targets;

    /**
     * Connects the destination kinds backups may go to, the key their credentials are stored with, and the job server
     * schedules fire on (the composition root calls this once).
     */
    public void connect(Destinations destinations, io.hotcrm.common.Secrets secrets, io.hotcrm.common.Work work) {
        this.targets = new Targets(db, destinations, secrets, work);
    }

    private Targets targets() {
        if (targets == null) {
            throw new HotCrmException(ErrorCode.CONFIGURATION, "Backups to destinations and schedules are not set up in this process.");
        }
        return targets;
    }

    /** A named place backups go to; secret settings shown as {@link Destinations#MASK}. */
    public record Place(String name, String type, Map<String, String> settings, String location) {
    }

    /** Saves a named backup destination after checking its settings and (with {@code test}) writing a probe file there. */
    public Place saveDestination(Principal p, String name, String type, Map<String, String> settings, boolean test) {
        AccessGuard.requireSetup(p, "set where backups go");
        AccessGuard.requireDestination(p, type == null ? "" : type.trim().toLowerCase(java.util.Locale.ROOT));
        return targets().saveDestination(p.email(), name, type, settings, test);
    }

    public List<Place> destinations(Principal p) {
        AccessGuard.requireSetup(p, "list backup destinations");
        return targets().destinations();
    }

    public void deleteDestination(Principal p, String name) {
        AccessGuard.requireSetup(p, "delete a backup destination");
        targets().deleteDestination(name);
    }

    /** A backup schedule: when (cron in a zone), where (a named destination, or the backup directory), what it keeps. */
    public record Schedule(UUID id, String name, String cron, String timeZone, String destination, Retention keep, boolean paused,
                           String createdBy, Instant nextRun, Instant lastRunAt, String lastProblem) {
    }

    /**
     * Saves a schedule: on each run a backup is made at its place (the named destination, or the backup directory),
     * verified, and the backups there pruned to {@code keep}.
     */
    public Schedule saveSchedule(Principal p, String name, String cron, String timeZone, String destination, Retention keep) {
        AccessGuard.requireSetup(p, "schedule backups");
        if (destination == null && directory == null) {
            throw new HotCrmException(ErrorCode.CONFIGURATION, "Scheduled backups need a place: name a backup destination"
                    + " (--destination NAME) or set HOTCRM_BACKUP_DIR.");
        }
        return targets().saveSchedule(p.email(), name, cron, timeZone, destination, keep == null ? Retention.DEFAULT : keep);
    }

    public List<Schedule> schedules(Principal p) {
        AccessGuard.requireSetup(p, "list backup schedules");
        return targets().schedules();
    }

    public Schedule setPaused(Principal p, String name, boolean paused) {
        AccessGuard.requireSetup(p, "pause or resume backup schedules");
        return targets().setPaused(name, paused);
    }

    public void deleteSchedule(Principal p, String name) {
        AccessGuard.requireSetup(p, "delete a backup schedule");
        targets().deleteSchedule(name);
    }

    /** Runs a schedule now, here, recorded as a job like a scheduled run; returns the job's id. */
    public UUID runNow(Principal p, String name, io.hotcrm.common.Work.Progress progress) {
        AccessGuard.requireSetup(p, "run a backup schedule");
        return targets().runHere(targets().schedule(name).id(), p.email(), progress);
    }

    /** Queues a run of a schedule for the job server (the API and the console); returns the job's id. */
    public UUID runQueued(Principal p, String name) {
        AccessGuard.requireSetup(p, "run a backup schedule");
        return targets().submit(targets().schedule(name).id(), p.email());
    }

    // ---------------------------------------------------------------- sandboxes

    /** The {@code hc_meta} key that makes an instance a sandbox (its value: name, source and when, as JSON). */
    public static final String SANDBOX = "sandbox";
    /** The {@code hc_meta} key of the instance's id (a sandbox gets a new one). */
    public static final String INSTANCE_ID = "instance_id";

    /** A sandbox's name, checked (it names a directory). */
    public static String checkSandboxName(String name) {
        return Targets.checkName(name, "sandbox");
    }

    /** Sets every running backup schedule on the job server again (after a restore, whose database has none set). */
    public void registerSchedules() {
        if (targets != null) {
            targets.registerAll();
        }
    }

    /** What this instance is when it is a sandbox: its name, where it came from, when, whether anonymised. */
    public record SandboxInfo(String name, String from, String createdAt, boolean anonymised) {
    }

    private String meta(String key) {
        return db.jdbi().withHandle(h -> h.createQuery("select meta_value from hc_meta where meta_key = :k").bind("k", key)
                .mapTo(String.class).findOne().orElse(null));
    }

    /** This instance's id: made on the first start (a sandbox gets a new one when it is made). */
    public String instanceId() {
        String id = meta(INSTANCE_ID);
        if (id != null) {
            return id;
        }
        try {
            db.jdbi().useHandle(h -> h.createUpdate("insert into hc_meta (meta_key, meta_value) values (:k, :v)").bind("k", INSTANCE_ID)
                    .bind("v", Ids.newId().toString()).execute());
        } catch (RuntimeException e) {
            // another process made it at the same moment: theirs is read below
        }
        return meta(INSTANCE_ID);
    }

    /** This instance's sandbox marker, or null when it is not a sandbox (no setup right needed: every page says so). */
    public SandboxInfo sandboxInfo() {
        String v = meta(SANDBOX);
        if (v == null) {
            return null;
        }
        try {
            JsonNode n = Archive.MAPPER.readTree(v);
            return new SandboxInfo(n.path("name").asText(), n.path("from").asText(), n.path("createdAt").asText(),
                    n.path("anonymised").asBoolean());
        } catch (IOException e) {
            return new SandboxInfo("sandbox", "", "", false);
        }
    }

    /** The database and file store a sandbox is made in (opened by the composition root from the operator's options). */
    public record SandboxTarget(String dbUrl, String dbUser, String dbPassword, FileStore files, String description, String dataDir) {
    }

    /** What making a sandbox did. */
    public record Sandbox(String name, String instanceId, String target, String dataDir, String from, Restored restored, int schedulesPaused,
                          int usersMadeUndeliverable, Map<String, Long> anonymised, double seconds) {
    }

    /**
     * Makes a sandbox: a copy of this instance (a fresh backup streamed through a scratch file, or the archive given)
     * restored into an empty database and file store, then made safe to try things in — a new instance id; export and
     * backup schedules paused (the sandbox's start sends no email and runs no schedule, see {@link #SANDBOX}); production's
     * backup and export-run records dropped so the sandbox never prunes or deletes a file production wrote; sessions and
     * verification links dropped; the signing key replaced on first use; users' emails made undeliverable
     * ({@code ….invalid}); with {@code anonymise}, every personal field of every record replaced as the privacy package's
     * strategies say (and no file-store copies, whose contents cannot be anonymised field by field).
     */
    public Sandbox sandbox(Principal p, String name, Path from, SandboxTarget target, boolean anonymise) {
        try {
            return makeSandbox(p, name, from, target, anonymise);
        } finally {
            if (target.files() != null) {
                target.files().close();
            }
        }
    }

    private java.util.function.Function<String, SandboxTarget> sandboxHome;

    /** Where sandboxes named by REST and the console go (the composition root decides: DATA/sandboxes/NAME). */
    public void sandboxHome(java.util.function.Function<String, SandboxTarget> home) {
        this.sandboxHome = home;
    }

    /** Makes a sandbox of a copy of this instance made now, in its default place (what REST and the console offer). */
    public Sandbox sandbox(Principal p, String name, boolean anonymise) {
        AccessGuard.requireSetup(p, "make a sandbox");
        if (sandboxHome == null) {
            throw new HotCrmException(ErrorCode.CONFIGURATION, "Sandboxes are not set up in this process.");
        }
        return sandbox(p, name, null, sandboxHome.apply(checkSandboxName(name)), anonymise);
    }

    private Sandbox makeSandbox(Principal p, String name, Path from, SandboxTarget target, boolean anonymise) {
        AccessGuard.requireSetup(p, "make a sandbox");
        String n = Targets.checkName(name, "sandbox");
        long t0 = System.nanoTime();
        Path scratch = null;
        try {
            Path archive = from;
            if (archive == null) {
                scratch = Files.createTempDirectory("hotcrm-sandbox-");
                Path file = scratch.resolve("copy.zip");
                write(p, Instant.now(), null, null, null, fileSink(scratch.resolve("copy.zip.part"), file));
                archive = file;
            }
            Restored restored;
            try (Database into = Database.open(target.dbUrl(), target.dbUser(), target.dbPassword(), 2)) {
                restored = new Backups(into, anonymise ? null : target.files(), productVersion, key, clock, null).restoreArchive(archive,
                        false);
            }
            try (Database made = Database.open(target.dbUrl(), target.dbUser(), target.dbPassword(), 2)) {
                Sandboxes.Prepared prepared = Sandboxes.prepare(made, n, from == null ? "a copy of this instance" : from.toString(),
                        clock.instant(), anonymise);
                return new Sandbox(n, prepared.instanceId(), target.description(), target.dataDir(), from == null ? null : from.toString(), restored,
                        prepared.schedulesPaused(), prepared.users(), prepared.anonymised(), (System.nanoTime() - t0) / 1e9);
            }
        } catch (IOException e) {
            throw new HotCrmException(ErrorCode.UNAVAILABLE, "The sandbox could not be made: " + e.getMessage(), e);
        } finally {
            deleteTree(scratch);
        }
    }

    /** The job type a backup schedule runs as. */
    public static final String SCHEDULE_JOB = Targets.JOB_TYPE;

    /** What one scheduled run did. */
    public record ScheduledRun(String schedule, Created backup, Verification verification, Pruned pruned) {
    }

    /**
     * One run of a schedule (the job a schedule fires): a backup at its place, verified as it lies there, then the
     * backups at that place pruned to the schedule's retention — never the newest verified one. Null when paused.
     */
    public ScheduledRun runSchedule(String payload, io.hotcrm.common.Work.Progress progress) {
        UUID id = Targets.scheduleOf(payload);
        Schedule s = targets().schedule(id).orElseThrow(() -> HotCrmException.notFound("The backup schedule " + id + " was deleted."));
        if (s.paused()) {
            return null;
        }
        Principal system = Principal.system();
        try {
            progress.update(0, 3L, "Backing up");
            Created c = s.destination() == null ? create(system) : create(system, s.destination());
            progress.update(1, 3L, "Verifying " + c.archive());
            Verification v = verify(system, c.id());
            if (!v.valid()) {
                throw new HotCrmException(ErrorCode.UNAVAILABLE, "The backup " + c.archive() + " does not verify where it was written: "
                        + v.problem() + ". Nothing was pruned.");
            }
            progress.update(2, 3L, "Pruning");
            Pruned pr = prune(system, s.keep(), list(system).stream().filter(b -> b.id().equals(c.id())).findFirst().map(Listed::place)
                    .orElseThrow());
            progress.update(3, 3L, "Done");
            targets().ran(id, null);
            return new ScheduledRun(s.name(), c, v, pr);
        } catch (RuntimeException e) {
            targets().ran(id, e.getMessage());
            throw e;
        }
    }

    private static void deleteQuietly(Path p) {
        if (p == null) {
            return;
        }
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // nothing more to do
        }
    }
}

package io.hotcrm.security;

import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * Console sign-in with a password. Sessions live in the database (so any node of a cluster can serve the
 * next request), keyed by the SHA-256 of the cookie value, with a CSRF token per session. Five failed
 * attempts in a row lock the account for 15 minutes.
 */
public final class Sessions {
    static final int MAX_FAILURES = 5;
    static final Duration LOCKOUT = Duration.ofMinutes(15);
    static final Duration LIFETIME = Duration.ofHours(12);

    private final Jdbi jdbi;
    private final Users users;
    private final AuditLog audit;

    Sessions(Jdbi jdbi, Users users, AuditLog audit) {
        this.jdbi = jdbi;
        this.users = users;
        this.audit = audit;
    }

    /** A signed-in session: the cookie value (secret), its CSRF token and who it is. */
    public record Session(String token, String csrfToken, Principal principal) {
        @Override
        public String toString() {
            return "Session[" + principal.email() + "]";
        }
    }

    public Session login(String email, String password) {
        String failure = "The email or password is not correct.";
        Optional<User> user = users.find(email == null ? "" : email.contains("@") ? email : "x@invalid.invalid");
        if (user.isEmpty() || !user.get().active()) {
            PasswordHasher.verify(password == null ? "" : password, null);
            throw new HotCrmException(ErrorCode.NOT_AUTHENTICATED, failure);
        }
        UUID id = user.get().id();
        Credential c = credential(id);
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        if (c.lockedUntil != null && c.lockedUntil.isAfter(now)) {
            PasswordHasher.verify(password == null ? "" : password, null);
            throw new HotCrmException(ErrorCode.LOCKED, "This account is locked after " + MAX_FAILURES
                    + " failed sign-ins. Try again after " + c.lockedUntil.withNano(0) + " (UTC), or ask an administrator"
                    + " to set a new password.");
        }
        if (!PasswordHasher.verify(password == null ? "" : password, c.hash)) {
            recordFailure(id, c.failures + 1, now);
            throw new HotCrmException(ErrorCode.NOT_AUTHENTICATED, failure);
        }
        String token = PasswordHasher.randomSecret(32);
        String csrf = PasswordHasher.randomSecret(24);
        jdbi.useTransaction(h -> {
            h.createUpdate("update hc_credential set failed_attempts = 0, locked_until = null where user_id = :id")
                    .bind("id", id).execute();
            h.createUpdate("insert into hc_session (token_hash, user_id, csrf_token, created_at, expires_at)"
                            + " values (:h, :u, :c, :now, :exp)")
                    .bind("h", PasswordHasher.sha256(token)).bind("u", id).bind("c", csrf).bind("now", now)
                    .bind("exp", now.plus(LIFETIME)).execute();
        });
        Principal p = users.principal(id);
        audit.record(p, "login", "user", id.toString(), null);
        return new Session(token, csrf, p);
    }

    /** The session for a cookie value, if it exists and has not expired. */
    public Optional<Session> resolve(String token) {
        if (token == null || token.isBlank()) {
            return Optional.empty();
        }
        String hash = PasswordHasher.sha256(token);
        return jdbi.withHandle(h -> h.createQuery("select user_id, csrf_token from hc_session where token_hash = :h"
                        + " and expires_at > :now")
                .bind("h", hash).bind("now", OffsetDateTime.now(ZoneOffset.UTC))
                .map((rs, c) -> new Object[] {rs.getObject(1, UUID.class), rs.getString(2)}).findOne())
                .flatMap(row -> {
                    try {
                        return Optional.of(new Session(token, (String) row[1], users.principal((UUID) row[0])));
                    } catch (HotCrmException e) {
                        return Optional.empty();
                    }
                });
    }

    public void logout(String token) {
        if (token != null) {
            jdbi.useHandle(h -> h.createUpdate("delete from hc_session where token_hash = :h")
                    .bind("h", PasswordHasher.sha256(token)).execute());
        }
    }

    private record Credential(String hash, int failures, OffsetDateTime lockedUntil) {
    }

    private Credential credential(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("select password_hash, failed_attempts, locked_until from hc_credential"
                        + " where user_id = :id").bind("id", id)
                .map((rs, c) -> new Credential(rs.getString(1), rs.getInt(2), rs.getObject(3, OffsetDateTime.class)))
                .findOne().orElse(new Credential(null, 0, null)));
    }

    private void recordFailure(UUID id, int failures, OffsetDateTime now) {
        boolean lock = failures >= MAX_FAILURES;
        jdbi.useHandle(h -> h.createUpdate("update hc_credential set failed_attempts = :f, locked_until = :l where user_id = :id")
                .bind("f", lock ? 0 : failures).bind("l", lock ? now.plus(LOCKOUT) : null).bind("id", id).execute());
        audit.record(Principal.system(), lock ? "login.locked" : "login.failed", "user", id.toString(), null);
    }
}

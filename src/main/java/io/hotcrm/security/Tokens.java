package io.hotcrm.security;

import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.common.Ids;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * API tokens for the REST API ({@code Authorization: Bearer hcrm_…}). A token is shown once when created;
 * only its SHA-256 digest and a short prefix (for recognising it in lists) are stored.
 */
public final class Tokens {
    public static final String PREFIX = "hcrm_";
    private final Jdbi jdbi;
    private final Users users;

    Tokens(Jdbi jdbi, Users users) {
        this.jdbi = jdbi;
        this.users = users;
    }

    /** A created token: the secret is in {@code token} and is not stored anywhere. */
    public record CreatedToken(UUID id, String userEmail, String name, String token) {
        @Override
        public String toString() {
            return "CreatedToken[id=" + id + ", user=" + userEmail + ", name=" + name + "]";
        }
    }

    /** A token as listed: never the secret. */
    public record TokenInfo(UUID id, String userEmail, String name, String prefix, OffsetDateTime createdAt,
                            OffsetDateTime lastUsedAt, boolean revoked) {
    }

    public CreatedToken create(Principal by, String email, String name) {
        User u = users.require(email);
        if (!u.id().equals(by.userId())) {
            AccessGuard.requireSetup(by, "create tokens for other users");
        }
        String secret = PREFIX + PasswordHasher.randomSecret(32);
        UUID id = Ids.newId();
        String label = name == null || name.isBlank() ? "token " + OffsetDateTime.now(ZoneOffset.UTC).toLocalDate() : name;
        jdbi.useTransaction(h -> {
            h.createUpdate("insert into hc_api_token (id, user_id, name, token_prefix, token_hash, created_at)"
                            + " values (:id, :u, :n, :p, :h, :now)")
                    .bind("id", id).bind("u", u.id()).bind("n", label).bind("p", secret.substring(0, 12))
                    .bind("h", PasswordHasher.sha256(secret)).bind("now", OffsetDateTime.now(ZoneOffset.UTC)).execute();
            AuditLog.record(h, by, "token.create", "user", u.id().toString(), u.email() + " token " + id);
        });
        return new CreatedToken(id, u.email(), label, secret);
    }

    /** The principal a bearer token stands for; a clear 401 error otherwise. */
    public Principal authenticate(String token) {
        if (token == null || !token.startsWith(PREFIX)) {
            throw new HotCrmException(ErrorCode.NOT_AUTHENTICATED, "The API token is missing or malformed. Send"
                    + " \"Authorization: Bearer hcrm_…\"; create a token with \"hotcrm tokens create EMAIL\".");
        }
        String hash = PasswordHasher.sha256(token);
        UUID userId = jdbi.withHandle(h -> {
            UUID u = h.createQuery("select user_id from hc_api_token where token_hash = :h and revoked_at is null")
                    .bind("h", hash).mapTo(UUID.class).findOne().orElse(null);
            if (u != null) {
                h.createUpdate("update hc_api_token set last_used_at = :now where token_hash = :h")
                        .bind("now", OffsetDateTime.now(ZoneOffset.UTC)).bind("h", hash).execute();
            }
            return u;
        });
        if (userId == null) {
            throw new HotCrmException(ErrorCode.NOT_AUTHENTICATED, "The API token is not valid or was revoked.");
        }
        return users.principal(userId);
    }

    /** A user's tokens (never the secrets): one's own, or anyone's for administrators. */
    public List<TokenInfo> list(Principal by, String email) {
        User u = users.require(email);
        if (!u.id().equals(by.userId())) {
            AccessGuard.requireSetup(by, "list other users' tokens");
        }
        return jdbi.withHandle(h -> h.createQuery("select id, name, token_prefix, created_at, last_used_at, revoked_at"
                        + " from hc_api_token where user_id = :u order by created_at")
                .bind("u", u.id())
                .map((rs, c) -> new TokenInfo(rs.getObject(1, UUID.class), u.email(), rs.getString(2), rs.getString(3),
                        rs.getObject(4, OffsetDateTime.class), rs.getObject(5, OffsetDateTime.class),
                        rs.getObject(6) != null)).list());
    }

    /** Revokes a token: one's own, or anyone's for administrators. */
    public void revoke(Principal by, UUID tokenId) {
        UUID owner = jdbi.withHandle(h -> h.createQuery("select user_id from hc_api_token where id = :id").bind("id", tokenId)
                .mapTo(UUID.class).findOne().orElse(null));
        if (owner == null || !owner.equals(by.userId())) {
            AccessGuard.requireSetup(by, "revoke other users' tokens");
        }
        int n = jdbi.withHandle(h -> {
            int count = h.createUpdate("update hc_api_token set revoked_at = :now where id = :id and revoked_at is null")
                    .bind("now", OffsetDateTime.now(ZoneOffset.UTC)).bind("id", tokenId).execute();
            AuditLog.record(h, by, "token.revoke", "user", null, tokenId.toString());
            return count;
        });
        if (n == 0) {
            throw HotCrmException.notFound("There is no active token with id " + tokenId + ".");
        }
    }
}

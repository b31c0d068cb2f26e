package io.hotcrm.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.store.Dialect;
import io.hotcrm.testing.DialectContract;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class SecurityTest {

    @Nested
    class OnH2 extends Contract {
        OnH2() {
            super(Dialect.H2);
        }
    }

    @Nested
    class OnPostgres extends Contract {
        OnPostgres() {
            super(Dialect.POSTGRES);
        }
    }

    abstract static class Contract extends DialectContract {
        Contract(Dialect dialect) {
            super(dialect);
        }

        @Test
        void neitherPasswordsNorTokensAreStoredInClear() {
            Tokens.CreatedToken token = t.security.tokens().create(t.admin, "admin@example.com", "ci");
            List<Map<String, Object>> creds = t.db.jdbi().withHandle(h -> h.createQuery("select * from hc_credential").mapToMap().list());
            List<Map<String, Object>> tokens = t.db.jdbi().withHandle(h -> h.createQuery("select * from hc_api_token").mapToMap().list());
            assertThat(creds.toString()).doesNotContain("correct horse battery").contains("pbkdf2-sha256$600000$");
            assertThat(tokens.toString()).doesNotContain(token.token());
            assertThat(token.toString()).doesNotContain(token.token());
            assertThat(t.security.tokens().authenticate(token.token()).email()).isEqualTo("admin@example.com");
        }

        @Test
        void revokedAndUnknownTokensAreRejected() {
            Tokens.CreatedToken token = t.security.tokens().create(t.admin, "admin@example.com", "short-lived");
            t.security.tokens().revoke(t.admin, token.id());
            assertThatThrownBy(() -> t.security.tokens().authenticate(token.token()))
                    .isInstanceOfSatisfying(HotCrmException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_AUTHENTICATED))
                    .hasMessage("The API token is not valid or was revoked.");
        }

        @Test
        void aUserManagesTheirOwnTokensAndOnlyAdministratorsOthers() {
            t.security.users().add(t.admin, "own-tokens@example.com", "Own Tokens", "standard", "a long password 4");
            Principal user = t.security.users().principal("own-tokens@example.com");
            Tokens.CreatedToken adminsToken = t.security.tokens().create(t.admin, "admin@example.com", "admin's");
            Tokens.CreatedToken own = t.security.tokens().create(user, "own-tokens@example.com", "mine");
            assertThat(t.security.tokens().list(user, "own-tokens@example.com")).extracting(Tokens.TokenInfo::name).containsExactly("mine");
            assertThatThrownBy(() -> t.security.tokens().list(user, "admin@example.com")).isInstanceOf(HotCrmException.class)
                    .hasMessageContaining("list other users' tokens");
            assertThatThrownBy(() -> t.security.tokens().revoke(user, adminsToken.id())).hasMessageContaining("revoke other users' tokens");
            t.security.tokens().revoke(user, own.id());
            assertThat(t.security.tokens().list(t.admin, "own-tokens@example.com").get(0).revoked()).isTrue();
        }

        @Test
        void theAuditLogIsSearchedByUserObjectActionFamilyAndDayByAdministratorsOnly() {
            t.security.users().add(t.admin, "audited@example.com", "Audited", "standard", "a long password 5");
            Principal user = t.security.users().principal("audited@example.com");
            t.security.sessions().login("audited@example.com", "a long password 5");
            assertThatThrownBy(() -> t.security.sessions().login("audited@example.com", "not the password"));
            java.time.OffsetDateTime today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).atStartOfDay().atOffset(java.time.ZoneOffset.UTC);
            List<AuditLog.Entry> logins = t.security.audit().search(t.admin, new AuditLog.Search(null, null, "login.", today, null, null, 50));
            assertThat(logins).extracting(AuditLog.Entry::action).contains("login", "login.failed");
            assertThat(t.security.audit().search(t.admin, new AuditLog.Search("AUDITED@", "user", "login", today, null, null, 50)))
                    .extracting(AuditLog.Entry::action).containsOnly("login");
            assertThat(t.security.audit().search(t.admin, new AuditLog.Search(null, null, "login.", null, today, null, 50))).isEmpty();
            assertThatThrownBy(() -> t.security.audit().search(user, new AuditLog.Search(null, null, null, null, null, null, 10)))
                    .hasMessageContaining("read the audit log");
        }

        @Test
        void fiveWrongPasswordsLockTheAccount() {
            t.security.users().add(t.admin, "lock@example.com", "Lock Me", "standard", "a long password 1");
            for (int i = 0; i < Sessions.MAX_FAILURES; i++) {
                assertThatThrownBy(() -> t.security.sessions().login("lock@example.com", "wrong password!"))
                        .hasMessage("The email or password is not correct.");
            }
            assertThatThrownBy(() -> t.security.sessions().login("lock@example.com", "a long password 1"))
                    .isInstanceOfSatisfying(HotCrmException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.LOCKED));
        }

        @Test
        void aFailedSignInTakesAsLongWhetherOrNotTheAccountExists() {
            t.security.users().add(t.admin, "timing@example.com", "Timing", "standard", "a long password 3");
            t.security.users().add(t.admin, "nopass@example.com", "No Password", "standard", null);
            long known = medianNanos(() -> t.security.sessions().login("timing@example.com", "wrong password!"));
            long unknown = medianNanos(() -> t.security.sessions().login("nobody-here@example.com", "wrong password!"));
            long noPassword = medianNanos(() -> t.security.sessions().login("nopass@example.com", "wrong password!"));
            // a password check costs ~0.1-0.3 s by design; answering an unknown email without one took 1/60 of it
            assertThat(unknown).as("unknown %d ns vs known %d ns", unknown, known).isGreaterThan(known / 2);
            assertThat(noPassword).as("no password %d ns vs known %d ns", noPassword, known).isGreaterThan(known / 2);
        }

        private static long medianNanos(Runnable failingLogin) {
            long[] t = new long[5];
            for (int i = 0; i < t.length; i++) {
                long start = System.nanoTime();
                assertThatThrownBy(failingLogin::run).hasMessage("The email or password is not correct.");
                t[i] = System.nanoTime() - start;
            }
            java.util.Arrays.sort(t);
            return t[2];
        }

        @Test
        void deactivatedUsersCannotSignIn() {
            t.security.users().add(t.admin, "gone@example.com", "Gone", "standard", "a long password 2");
            assertThat(t.security.sessions().login("gone@example.com", "a long password 2").principal().email())
                    .isEqualTo("gone@example.com");
            t.security.users().deactivate(t.admin, "gone@example.com");
            assertThatThrownBy(() -> t.security.sessions().login("gone@example.com", "a long password 2"))
                    .hasMessage("The email or password is not correct.");
        }

        @Test
        void onlySetupManagersAddUsersAndEverythingIsAudited() {
            Principal std = t.user("std@example.com", "standard");
            assertThatThrownBy(() -> t.security.users().add(std, "x@example.com", "X", "standard", null))
                    .hasMessage("User std@example.com (role \"standard\") may not add users: that needs a role that manages"
                            + " setup (for example \"admin\").");
            assertThat(t.security.audit().recent(100)).extracting(AuditLog.Entry::action).contains("user.add");
        }
    }
}

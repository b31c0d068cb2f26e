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

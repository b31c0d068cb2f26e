package io.hotcrm.cli;

import io.hotcrm.common.Ids;
import io.hotcrm.security.Tokens;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "tokens", description = "Manage API tokens.", subcommands = {TokensCommand.Create.class,
        TokensCommand.ListTokens.class, TokensCommand.Revoke.class})
final class TokensCommand {
    @ParentCommand
    Cli cli;

    @Command(name = "create", description = "Create an API token for a user; it is shown once.")
    static final class Create implements Callable<Integer> {
        @ParentCommand
        TokensCommand parent;

        @Parameters(paramLabel = "EMAIL")
        String email;

        @Option(names = "--name", description = "What the token is for.")
        String name;

        @Override
        public Integer call() {
            Cli cli = parent.cli;
            Tokens.CreatedToken t = cli.platform().security().tokens().create(cli.actor(), email, name);
            cli.out.println(t.token());
            cli.err.println("Token " + t.id() + " for " + t.userEmail() + " created. It is shown only this once; store it safely.");
            return 0;
        }
    }

    @Command(name = "list", description = "List a user's tokens (never the secrets).")
    static final class ListTokens implements Callable<Integer> {
        @ParentCommand
        TokensCommand parent;

        @Parameters(paramLabel = "EMAIL")
        String email;

        @Override
        public Integer call() {
            for (Tokens.TokenInfo t : parent.cli.platform().security().tokens().list(parent.cli.actor(), email)) {
                parent.cli.out.printf("%s  %s…  %-24s created %s%s%n", t.id(), t.prefix(), t.name(), t.createdAt().toLocalDate(),
                        t.revoked() ? "  REVOKED" : t.lastUsedAt() == null ? "  never used" : "  last used " + t.lastUsedAt().withNano(0));
            }
            return 0;
        }
    }

    @Command(name = "revoke", description = "Revoke a token by id.")
    static final class Revoke implements Callable<Integer> {
        @ParentCommand
        TokensCommand parent;

        @Parameters(paramLabel = "TOKEN_ID")
        String id;

        @Override
        public Integer call() {
            Cli cli = parent.cli;
            cli.platform().security().tokens().revoke(cli.actor(), Ids.parse(id, "Token id"));
            cli.out.println("Token " + id + " revoked.");
            return 0;
        }
    }
}

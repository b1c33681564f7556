package dev.usher.cli.identity;

import dev.usher.cli.admin.AdminOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code usher token ...}: long-lived API tokens for build machines and services (authentication mode {@code token}). */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Create, list and revoke API tokens: how build machines and services authenticate (usher auth mode token).",
        subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class})
public final class TokenCommand implements Runnable {

    @Spec CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "usher token needs a command: create, list or revoke");
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Create an API token for a user. The token is printed once, alone on standard output"
                    + " (TOKEN=$(usher token create ...)); only its hash is kept."})
    static final class Create implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin AdminOptions options;
        @Option(names = "--user", required = true, paramLabel = "USER", description = "Whose seats the token takes (name or alias).") String user;
        @Option(names = "--name", required = true, paramLabel = "NAME", description = "What it is for, e.g. ci-build-07.") String name;

        @Override
        public Integer call() {
            try (IdentityApi api = IdentityApi.open(options)) {
                JsonNode u = api.user(user);
                long id = u.get("id").asLong();
                JsonNode created = api.post("/api/v1/users/" + id + "/tokens", Map.of("name", name));
                spec.commandLine().getOut().println(created.get("token").asString());
                spec.commandLine().getErr().println("API token '" + name.strip() + "' for " + u.get("name").asString()
                        + " (shown once, store it now; only its hash is kept); revoke it with: usher token revoke "
                        + created.get("id").asString());
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List a user's API tokens (never the tokens themselves).")
    static final class ListTokens implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin AdminOptions options;
        @Option(names = "--user", required = true, paramLabel = "USER", description = "Name or alias.") String user;

        @Override
        public Integer call() {
            try (IdentityApi api = IdentityApi.open(options)) {
                JsonNode u = api.user(user);
                JsonNode tokens = api.get("/api/v1/users/" + u.get("id").asLong() + "/tokens");
                if (tokens.isEmpty()) {
                    spec.commandLine().getOut().println(u.get("name").asString() + " has no API tokens; create one with: usher token create --user "
                            + u.get("name").asString() + " --name NAME");
                    return 0;
                }
                List<List<String>> rows = new ArrayList<>();
                for (JsonNode t : tokens) {
                    rows.add(List.of(t.get("id").asString(), Text.of(t.get("name")), Text.time(t.get("createdAt")),
                            Text.time(t.get("lastUsedAt")), t.get("expiresAt").isNull() ? "never" : Text.time(t.get("expiresAt"))));
                }
                Text.table(spec.commandLine().getOut(), List.of("ID", "NAME", "CREATED", "LAST USED", "EXPIRES"), rows);
            }
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke an API token at once (see usher token list for ids).")
    static final class Revoke implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin AdminOptions options;
        @Parameters(paramLabel = "TOKEN_ID") String tokenId;

        @Override
        public Integer call() {
            try (IdentityApi api = IdentityApi.open(options)) {
                api.delete("/api/v1/tokens/" + IdentityApi.encode(tokenId.strip()));
                spec.commandLine().getOut().println("revoked token " + tokenId.strip());
            }
            return 0;
        }
    }
}

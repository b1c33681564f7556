package dev.usher.cli.identity;

import dev.usher.cli.common.CliException;
import dev.usher.cli.admin.AdminOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code usher auth ...}: how clients prove who they are. Changes apply at once and never drop live seats. */
@Command(name = "auth", mixinStandardHelpOptions = true,
        description = "Show or change how clients authenticate (open, session, token), whether open mode creates unknown users"
                + " and whether it refuses machine names as users.",
        subcommands = {AuthCommand.Mode.class, AuthCommand.AutoCreate.class, AuthCommand.MachineNames.class})
public final class AuthCommand implements Runnable {

    @Spec CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "usher auth needs a command: mode, auto-create or machine-names");
    }

    private static String describe(JsonNode s) {
        String mode = s.get("authMode").asString();
        String what = switch (mode) {
            case "open" -> "clients report user and host, for a trusted LAN; unknown users are "
                    + (s.get("autoCreateUsers").asBoolean() ? "created automatically" : "refused (auto-create off)")
                    + "; machine names as users are " + (s.get("refuseMachineNames").asBoolean() ? "refused" : "accepted");
            case "session" -> "clients sign in with a password and send the session token; sign-ins last "
                    + s.get("sessionLifetimeMinutes").asLong() + " min, " + s.get("sessionIdleMinutes").asLong() + " min when idle";
            case "token" -> "clients send an API token (usher token create)";
            default -> "";
        };
        return "authentication mode: " + mode + (what.isEmpty() ? "" : " (" + what + ")");
    }

    @Command(name = "mode", mixinStandardHelpOptions = true,
            description = {"Show the authentication mode, or set it:",
                    "  open     clients report user and host (trusted LAN; compatible with clients that cannot sign in)",
                    "  session  clients sign in with a password (local or LDAP) and send the session token",
                    "  token    clients send a long-lived API token (usher token create)",
                    "Seats held stay held when the mode changes."})
    static final class Mode implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin AdminOptions options;
        @Parameters(arity = "0..1", paramLabel = "open|session|token") String mode;

        @Override
        public Integer call() {
            try (IdentityApi api = IdentityApi.open(options)) {
                JsonNode before = api.get("/api/v1/settings");
                if (mode == null) {
                    spec.commandLine().getOut().println(describe(before));
                    return 0;
                }
                // The server checks the value (and says which ones it takes).
                JsonNode after = api.put("/api/v1/settings", Map.of("authMode", mode.strip().toLowerCase(Locale.ROOT)));
                String was = before.get("authMode").asString();
                spec.commandLine().getOut().println(describe(after)
                        + (was.equals(after.get("authMode").asString()) ? "; unchanged" : "; was " + was + ", seats held are kept"));
            }
            return 0;
        }
    }

    @Command(name = "auto-create", mixinStandardHelpOptions = true,
            description = {"In open mode: create unknown user names automatically (on, the default), or refuse them"
                    + " with 'ask your administrator' (off) so only the users you added get seats."})
    static final class AutoCreate implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin AdminOptions options;
        @Parameters(paramLabel = "on|off") String value;

        @Override
        public Integer call() {
            return switchOpenModeSetting(spec, options, "auto-create", "autoCreateUsers", "auto-create users", value);
        }
    }

    @Command(name = "machine-names", mixinStandardHelpOptions = true,
            description = {"In open mode: refuse a user name that is a computer's name, its own host's or another seen checking"
                    + " out (on: 403 user-is-a-machine, nobody is created), or give it a seat like a person's (off)."})
    static final class MachineNames implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin AdminOptions options;
        @Parameters(paramLabel = "on|off") String value;

        @Override
        public Integer call() {
            return switchOpenModeSetting(spec, options, "machine-names", "refuseMachineNames", "refuse machine names as users", value);
        }
    }

    /** Turns an open-mode setting ({@code member} of {@code /api/v1/settings}) on or off and says what it is now. */
    private static int switchOpenModeSetting(CommandSpec spec, AdminOptions options, String command, String member, String label,
                                             String value) {
        boolean on = switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "on", "true", "yes" -> true;
            case "off", "false", "no" -> false;
            default -> throw new CliException(command + " takes on or off (got '" + value + "')");
        };
        try (IdentityApi api = IdentityApi.open(options)) {
            JsonNode after = api.put("/api/v1/settings", Map.of(member, on));
            spec.commandLine().getOut().println(label + ": " + (after.get(member).asBoolean() ? "on" : "off")
                    + ("open".equals(after.get("authMode").asString()) ? ""
                    : " (applies in open mode; the mode now is " + after.get("authMode").asString() + ")"));
        }
        return 0;
    }
}

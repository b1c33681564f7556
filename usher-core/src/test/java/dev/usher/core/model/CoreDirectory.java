package dev.usher.core.model;

import dev.usher.core.assignment.Assignments;
import dev.usher.core.assignment.Rule;
import dev.usher.core.assignment.Target;
import dev.usher.core.identity.UserNames;
import dev.usher.core.inventory.InstalledLicense;
import dev.usher.core.license.Entitlement;
import dev.usher.core.license.LicenseFile;
import dev.usher.core.license.LicensePayload;
import dev.usher.core.license.LicenseSigner;
import dev.usher.core.license.TrustedKeys;
import dev.usher.core.license.VendorKeys;
import dev.usher.core.seat.state.Person;
import dev.usher.core.seat.state.SeatBook;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The {@link World} as core's own objects, for {@link CoreSystem}: its people (with ids, roles and the
 * keys {@link UserNames} makes of their names and aliases), its roles, and its license files signed by a
 * test vendor key. What the server keeps in its user directory and license inventory, with no store.
 */
final class CoreDirectory {

    static final String INSTALLATION = "model-installation";
    static final long ALL_USERS_ROLE = 1;
    private static final KeyPair VENDOR = VendorKeys.generate();
    static final TrustedKeys TRUSTED = TrustedKeys.of(VENDOR.getPublic());
    /** The world's license files, signed once (the same file each time a run adds it, as a person would). */
    static final Map<String, LicenseFile> FILES = files();

    final UserNames names = new UserNames(true);
    private final Map<String, Long> roleIds = new LinkedHashMap<>();
    private final Map<Long, Person> people = new LinkedHashMap<>();
    private final Map<String, Long> keys = new LinkedHashMap<>();
    private long nextId = 100;

    CoreDirectory() {
        roleIds.put(World.ALL_USERS, ALL_USERS_ROLE);
        long role = 2;
        for (String r : World.ROLES.keySet()) {
            roleIds.put(r, role++);
        }
        long id = 10;
        for (World.Person p : World.PEOPLE) {
            Set<Long> roles = new HashSet<>(Set.of(ALL_USERS_ROLE));
            World.ROLES.forEach((r, members) -> {
                if (members.contains(p.name())) {
                    roles.add(roleIds.get(r));
                }
            });
            people.put(id, new Person(id, p.name(), true, roles));
            keys.put(names.key(p.name()), id);
            for (String alias : p.aliases()) {
                keys.put(names.key(alias), id);
            }
            id++;
        }
    }

    private static Map<String, LicenseFile> files() {
        Map<String, LicenseFile> out = new LinkedHashMap<>();
        for (World.LicenseSpec spec : World.LICENSES.values()) {
            List<Entitlement> parts = new ArrayList<>();
            if (spec.server()) {
                parts.add(Entitlement.server(World.PRODUCT, spec.starts(), spec.expires(), INSTALLATION));
            }
            spec.seats().forEach((feature, n) -> parts.add(Entitlement.seats(World.PRODUCT, feature, n, spec.starts(), spec.expires())));
            LicensePayload payload = new LicensePayload(UUID.nameUUIDFromBytes(spec.name().getBytes(StandardCharsets.UTF_8)), spec.starts(),
                    "Model test (" + spec.name() + ")", parts);
            out.put(spec.name(), LicenseSigner.sign(payload, VENDOR.getPrivate()));
        }
        return out;
    }

    static InstalledLicense installed(LicenseFile file, java.time.Instant at) {
        return new InstalledLicense(file.payload().id(), file.text(), file.payload(), at);
    }

    /**
     * Loads the people a decision may be about into the book, as the store does before every group:
     * everyone (the world is small), and {@code askedKey} (a name nobody has: with the id a new person would get).
     */
    void loadInto(SeatBook book, String askedKey) {
        book.forgetPeople();
        book.loadAllUsersRole(ALL_USERS_ROLE);
        people.values().forEach(book::load);
        keys.forEach((k, id) -> book.loadKey(k, id, null));
        if (askedKey != null && !keys.containsKey(askedKey)) {
            book.loadKey(askedKey, null, nextId + 1);
        }
    }

    /** A person the decision created (open mode, automatic users). */
    void created(long id, String name, String key) {
        people.put(id, new Person(id, name, true, Set.of(ALL_USERS_ROLE)));
        keys.put(key, id);
        nextId = Math.max(nextId, id);
    }

    Set<Long> rolesOf(long userId) {
        Person p = people.get(userId);
        return p == null ? Set.of(ALL_USERS_ROLE) : p.roles();
    }

    /** Rules as the API resolves them (RuleSetCodec): role and user names to ids; an unknown name is refused. */
    Assignments resolve(List<RuleSpec> specs) {
        List<Rule> rules = new ArrayList<>();
        for (RuleSpec r : specs) {
            switch (r.kind()) {
                case RESERVE -> rules.add(new Rule.Reserve(target(r.role(), r.user()), r.seats()));
                case LIMIT -> rules.add(new Rule.Limit(target(r.role(), r.user()), r.seats()));
                case DENY -> rules.add(new Rule.Deny(target(r.role(), r.user())));
                case ALLOW_ONLY -> {
                    List<Target> targets = new ArrayList<>();
                    r.roles().forEach(n -> targets.add(role(n)));
                    r.users().forEach(n -> targets.add(user(n)));
                    rules.add(new Rule.AllowOnly(targets));
                }
            }
        }
        return new Assignments(rules);
    }

    private Target target(String role, String user) {
        return role != null ? role(role) : user(user);
    }

    private Target role(String name) {
        return roleIds.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name.strip())).findFirst()
                .map(e -> (Target) new Target.Role(e.getValue(), e.getKey()))
                .orElseThrow(() -> new IllegalArgumentException("no role named '" + name + "'"));
    }

    private Target user(String name) {
        return Optional.ofNullable(keys.get(names.key(name))).map(id -> (Target) new Target.User(id, name))
                .orElseThrow(() -> new IllegalArgumentException("no user named '" + name + "'"));
    }
}

package dev.usher.core.identity;

import java.time.Instant;
import java.util.List;

/** A person: one canonical name and any number of aliases (other spellings that mean them). */
public record User(long id, String name, String displayName, String email, UserSource source, boolean enabled,
                   Instant createdAt, Instant lastSeenAt, List<String> aliases, List<String> roles) {}

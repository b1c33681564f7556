package dev.usher.store;

import dev.usher.core.identity.UserDirectory;

import java.time.Instant;
import java.util.List;

/** The administrators' log: who changed which person, role or token, newest first when read. */
final class AdminEvents {

    private final Database db;

    AdminEvents(Database db) {
        this.db = db;
    }

    List<UserDirectory.AdminEvent> adminEvents(int limit) {
        return db.read(h -> h.createQuery("SELECT type, actor, source, target, detail FROM admin_events ORDER BY id DESC LIMIT :n")
                .bind("n", limit)
                .map((rs, ctx) -> new UserDirectory.AdminEvent(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)))
                .list());
    }

    void recordAdminEvent(Instant at, String type, String actor, String source, String target, String detail) {
        db.write((h, after) -> h.createUpdate("""
                        INSERT INTO admin_events (at, type, actor, source, target, detail) VALUES (:at, :type, :actor, :source, :target, :detail)""")
                .bind("at", at.toEpochMilli()).bind("type", type).bind("actor", actor).bind("source", source)
                .bind("target", target).bind("detail", detail).execute());
    }
}

package dev.usher.store;

import dev.usher.core.identity.UserDirectory.Token;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** API and session tokens: stored by the hash of their secret, never the secret itself. */
final class TokenRows {

    private final Database db;

    TokenRows(Database db) {
        this.db = db;
    }

    void saveToken(Token t, String hash) {
        db.write((h, after) -> h.createUpdate("""
                        INSERT INTO auth_tokens (id, token_hash, user_id, kind, name, created_at, expires_at, last_used_at)
                        VALUES (:id, :hash, :u, :kind, :name, :created, :expires, :created)""")
                .bind("id", t.id()).bind("hash", hash).bind("u", t.userId()).bind("kind", t.kind()).bind("name", t.name())
                .bind("created", t.createdAt().toEpochMilli())
                .bind("expires", t.expiresAt() == null ? null : t.expiresAt().toEpochMilli())
                .execute());
    }

    Optional<Token> findToken(String hash) {
        return db.read(h -> h.createQuery("""
                        SELECT id, user_id, kind, name, created_at, expires_at, last_used_at FROM auth_tokens WHERE token_hash = :h""")
                .bind("h", hash).map((rs, ctx) -> token(rs)).findOne());
    }

    private static Token token(ResultSet rs) throws SQLException {
        long exp = rs.getLong(6);
        Instant expires = rs.wasNull() ? null : Instant.ofEpochMilli(exp);
        return new Token(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                Instant.ofEpochMilli(rs.getLong(5)), expires, Instant.ofEpochMilli(rs.getLong(7)));
    }

    void touchToken(String id, Instant at) {
        db.write((h, after) -> h.createUpdate("UPDATE auth_tokens SET last_used_at = :at WHERE id = :id")
                .bind("at", at.toEpochMilli()).bind("id", id).execute());
    }

    List<Token> tokens(long userId) {
        return db.read(h -> h.createQuery("""
                        SELECT id, user_id, kind, name, created_at, expires_at, last_used_at FROM auth_tokens
                        WHERE user_id = :u ORDER BY created_at""")
                .bind("u", userId).map((rs, ctx) -> token(rs)).list());
    }

    boolean deleteToken(String id) {
        return db.write((h, after) -> h.createUpdate("DELETE FROM auth_tokens WHERE id = :id").bind("id", id).execute() > 0);
    }
}

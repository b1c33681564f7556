package dev.usher.core.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * One record of the audit trail: an admin action ({@code kind = admin}) or a seat event
 * ({@code kind = seat}), numbered without gaps, carrying the hash of the record before it.
 *
 * @param seq      1, 2, 3, ...: a missing number is a removed record
 * @param actor    who did it (admin actions), or null
 * @param source   from where (an address), or null
 * @param target   what it was done to (a user, a license id, a pool), or null
 * @param prevHash {@link #hash} of record {@code seq - 1}; {@link #GENESIS} for the first
 * @param hash     SHA-256 (hex) over the canonical form of every other field
 */
public record AuditEntry(long seq, Instant at, String kind, String type, String actor, String source, String target,
                         String product, String feature, String user, String host, String sessionId, String seatId,
                         String detail, String prevHash, String hash) {

    public static final String GENESIS = "0".repeat(64);

    /** The entry with {@code seq}, {@code prevHash} and its hash filled in. */
    public AuditEntry chained(long seq, String prevHash) {
        AuditEntry e = new AuditEntry(seq, at, kind, type, actor, source, target, product, feature, user, host, sessionId,
                seatId, detail, prevHash, null);
        return new AuditEntry(seq, at, kind, type, actor, source, target, product, feature, user, host, sessionId, seatId,
                detail, prevHash, e.computeHash());
    }

    /**
     * SHA-256 over every field but the hash, each written as its length, a colon and its UTF-8
     * text (null as {@code -1:}), so no two different records share a canonical form.
     */
    public String computeHash() {
        StringBuilder b = new StringBuilder(256);
        for (String f : new String[] {Long.toString(seq), Long.toString(at.toEpochMilli()), kind, type, actor, source, target,
                product, feature, user, host, sessionId, seatId, detail, prevHash}) {
            if (f == null) {
                b.append("-1:");
            } else {
                b.append(f.length()).append(':').append(f);
            }
            b.append('\n');
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}

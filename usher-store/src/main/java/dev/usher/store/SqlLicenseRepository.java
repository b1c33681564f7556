package dev.usher.store;

import dev.usher.core.inventory.LicenseRepository;
import dev.usher.core.inventory.StoredLicense;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** License files in the {@code licenses} table. */
public final class SqlLicenseRepository implements LicenseRepository {

    private final Database db;

    public SqlLicenseRepository(Database db) {
        this.db = db;
    }

    @Override
    public List<StoredLicense> all() {
        return db.read(h -> h.createQuery("SELECT id, text, added_at FROM licenses ORDER BY added_at, id")
                .map((rs, ctx) -> new StoredLicense(UUID.fromString(rs.getString(1)), rs.getString(2),
                        Instant.ofEpochMilli(rs.getLong(3))))
                .list());
    }

    @Override
    public AddResult add(StoredLicense license, Runnable afterCommit) {
        return db.write((h, after) -> {
            Optional<String> existing = h.createQuery("SELECT text FROM licenses WHERE id = :id")
                    .bind("id", license.id().toString()).mapTo(String.class).findOne();
            if (existing.isPresent()) {
                return existing.get().equals(license.text()) ? AddResult.ALREADY_PRESENT : AddResult.ID_CONFLICT;
            }
            h.createUpdate("INSERT INTO licenses (id, text, added_at) VALUES (:id, :text, :at)")
                    .bind("id", license.id().toString()).bind("text", license.text())
                    .bind("at", license.addedAt().toEpochMilli())
                    .execute();
            after.then(afterCommit);
            return AddResult.ADDED;
        });
    }

    @Override
    public boolean remove(UUID id, Runnable afterCommit) {
        return db.write((h, after) -> {
            boolean removed = h.createUpdate("DELETE FROM licenses WHERE id = :id").bind("id", id.toString()).execute() > 0;
            if (removed) {
                after.then(afterCommit);
            }
            return removed;
        });
    }
}

package dev.usher.core.inventory;

import java.util.List;
import java.util.UUID;

/** The installed license files, durably. */
public interface LicenseRepository {

    enum AddResult { ADDED, ALREADY_PRESENT, ID_CONFLICT }

    List<StoredLicense> all();

    /**
     * Stores a license unless one with the same id exists: the same text again is
     * {@code ALREADY_PRESENT} (idempotent), a different text under that id is {@code ID_CONFLICT}.
     * {@code afterCommit} runs once the outcome is durable, before any later write is decided.
     */
    AddResult add(StoredLicense license, Runnable afterCommit);

    /** Removes a license; true if it was there. {@code afterCommit} as for {@link #add}. */
    boolean remove(UUID id, Runnable afterCommit);
}

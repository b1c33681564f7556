package dev.usher.core.inventory;

import java.time.Instant;
import java.util.UUID;

/** A license file as stored: its canonical text is re-verified on every load, so a vendor key the
 * administrator stops trusting stops its licenses too. */
public record StoredLicense(UUID id, String text, Instant addedAt) {}

package dev.usher.core.inventory;

import dev.usher.core.license.LicensePayload;

import java.time.Instant;
import java.util.UUID;

/** A license file the administrator added: its exact text (the proof) and what it says. */
public record InstalledLicense(UUID id, String text, LicensePayload payload, Instant addedAt) {}

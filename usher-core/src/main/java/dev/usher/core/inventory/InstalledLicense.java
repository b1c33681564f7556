package dev.usher.core.inventory;

import dev.usher.core.license.LicenseFile;
import dev.usher.core.license.LicensePayload;

import java.time.Instant;
import java.util.UUID;

/**
 * A license file the administrator added and that verifies: its exact text (the proof, which vendors' applications
 * check again), what it says, and the key that signed it.
 */
public record InstalledLicense(UUID id, String text, LicensePayload payload, Instant addedAt, String keyId) {

    /** The key id is read from the text. */
    public InstalledLicense(UUID id, String text, LicensePayload payload, Instant addedAt) {
        this(id, text, payload, addedAt, LicenseFile.parse(text).keyId());
    }
}

package dev.usher.core.license;

import java.util.Map;

/**
 * The vendor keys the nodes of a cluster share through their database. A key is shared while its row is not
 * removed; a removed key keeps its row as a tombstone, so a node holding an older copy of the file deletes it
 * instead of sharing it again. Times are wall-clock milliseconds, comparable with key files' modification times.
 */
public interface SharedKeyStore {

    /** A shared key: its key file's text, when that last changed, and when it was removed (null: trusted). */
    record Row(String keyId, String text, long changedAt, Long removedAt) {
        public boolean removed() {
            return removedAt != null;
        }
    }

    /** Every row, removed ones too, by key id. */
    Map<String, Row> all();

    /** Shares a key file's text: adds the key, revives a removed one, or replaces an older text. */
    void put(String keyId, String text, long now);

    /** Stops sharing a key; every node drops it at its next reload. */
    void remove(String keyId, long now);
}

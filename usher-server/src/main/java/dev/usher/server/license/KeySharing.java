package dev.usher.server.license;

/**
 * How trusted keys reach the other nodes of a cluster. One node: nothing to do ({@link #NONE}); several nodes:
 * {@link ClusterKeySharing}, through their shared database.
 */
public interface KeySharing {

    KeySharing NONE = new KeySharing() {
        @Override
        public void share() {
        }

        @Override
        public void removed(String keyId) {
        }
    };

    /** Before a reload reads the key files: shares this node's files, takes in the others'. */
    void share();

    /** An administrator stopped trusting {@code keyId}: every node drops it. */
    void removed(String keyId);
}

package dev.usher.server.install;

import dev.usher.core.store.SettingsRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Binds an embedded installation to its place: this machine and this data directory. The installation id lives in
 * the database, so a copy of the database (a restored backup in a new directory, or on another machine) would
 * otherwise serve the same server licenses a second time. The database therefore also keeps a fingerprint of where
 * it was made (SHA-256 of the machine id and the data directory's real path); opened anywhere else, it becomes a new
 * installation with a new id, and server licenses bound to the old id stop counting there. The original keeps its id.
 *
 * <p>Restoring a backup into the same directory on the same machine (the README's steps) changes nothing. Moving an
 * installation on purpose (new hardware, another directory) is a new installation: the vendor issues a license for
 * the new id, as for any new server. What this cannot stop: a copy onto a machine that clones the machine id too
 * (a cloned virtual machine image) in the same directory. With PostgreSQL the database is the installation (nodes
 * come and go), so it is not bound to a machine.
 */
public final class InstallationPlace {

    private static final Logger LOG = LoggerFactory.getLogger(InstallationPlace.class);
    static final String INSTALLATION_ID_KEY = "installation.id";
    static final String PLACE_KEY = "installation.place";
    static final String MOVED_FROM_KEY = "installation.moved-from";

    /** This installation's id, and the id of the installation its database was copied from (empty when it was not). */
    public record Identity(String installationId, Optional<String> copiedFrom) {}

    private InstallationPlace() {
    }

    /** Whether this database has no installation id yet: this is the installation's first start. */
    public static boolean isNew(SettingsRepository settings) {
        return settings.get(INSTALLATION_ID_KEY).isEmpty();
    }

    /** The installation id of a database several nodes share: there the database is the installation, wherever it runs. */
    public static Identity shared(SettingsRepository settings) {
        return new Identity(settings.putIfAbsent(INSTALLATION_ID_KEY, UUID.randomUUID().toString()), Optional.empty());
    }

    /** The installation id for a database opened in {@code dataDir} on this machine. */
    public static Identity settle(SettingsRepository settings, Path dataDir) {
        return settle(settings, dataDir, InstallationPlace::machineId);
    }

    static Identity settle(SettingsRepository settings, Path dataDir, Supplier<String> machineId) {
        String id = settings.putIfAbsent(INSTALLATION_ID_KEY, UUID.randomUUID().toString());
        String here = fingerprint(machineId.get(), dataDir);
        // First start, or the first start of a version that binds: this is where it was made.
        String made = settings.putIfAbsent(PLACE_KEY, here);
        if (made.equals(here)) {
            return new Identity(id, settings.get(MOVED_FROM_KEY));
        }
        String fresh = UUID.randomUUID().toString();
        settings.put(INSTALLATION_ID_KEY, fresh);
        settings.put(MOVED_FROM_KEY, id);
        settings.put(PLACE_KEY, here);
        LOG.warn("this database was made for installation {} in another directory or on another machine; opened in {} it is a new"
                + " installation, {}: server licenses bound to {} do not count here (ask the vendor for a license for {})",
                id, dataDir.toAbsolutePath(), fresh, id, fresh);
        return new Identity(fresh, Optional.of(id));
    }

    static String fingerprint(String machineId, Path dataDir) {
        Path where;
        try {
            where = dataDir.toRealPath();
        } catch (IOException e) {
            where = dataDir.toAbsolutePath().normalize();
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((machineId + "\n" + where).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }

    /**
     * The machine's identity: systemd's {@code /etc/machine-id} (made once when the system is installed), else
     * D-Bus's, else the host name. In a container, keep it stable (mount the host's machine id or set a fixed host
     * name), or every new container is a new installation.
     */
    static String machineId() {
        for (String file : new String[] {"/etc/machine-id", "/var/lib/dbus/machine-id"}) {
            try {
                String id = Files.readString(Path.of(file), StandardCharsets.US_ASCII).strip();
                if (!id.isEmpty()) {
                    return "machine-id:" + id;
                }
            } catch (IOException | RuntimeException e) {
                // not there: try the next
            }
        }
        try {
            return "host:" + java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "host:unknown";
        }
    }
}

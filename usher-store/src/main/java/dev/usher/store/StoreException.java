package dev.usher.store;

import java.io.IOException;
import java.sql.SQLException;
import java.util.Locale;

/** The store could not do what was asked (disk full, file locked, corrupted); the message says which. */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Whether {@code failure} or one of its causes says the disk is full, whichever engine and write path raised it:
     * only the store knows how each database says so (PostgreSQL's SQL state, SQLite's message).
     */
    public static boolean isDiskFull(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && "53100".equals(sql.getSQLState())) { // PostgreSQL disk_full
                return true;
            }
            String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (m.contains("sqlite_full") || m.contains("database or disk is full") || m.contains("no space left on device")
                    || (t instanceof IOException && m.contains("disk full"))) {
                return true;
            }
        }
        return false;
    }
}

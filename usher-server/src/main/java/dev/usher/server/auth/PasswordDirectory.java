package dev.usher.server.auth;

import java.util.List;
import java.util.Optional;

/** An external directory that checks passwords and lists people (LDAP / Active Directory). */
public interface PasswordDirectory {

    /**
     * Checks a password by binding as the person.
     *
     * @return the account when the password is right; empty for an unknown name or a wrong password
     *         (the caller must not tell the two apart to the client)
     * @throws DirectoryUnavailableException when the directory cannot be reached
     */
    Optional<DirectoryAccount> authenticate(String name, String password);

    /** Every person under the configured search base, for the periodic sync. */
    List<DirectoryAccount> accounts();

    /** Connects and binds with the service account; a sentence saying what worked or what failed. */
    String testConnection();

    /** The directory is unreachable or misconfigured; the message says which. */
    final class DirectoryUnavailableException extends RuntimeException {
        public DirectoryUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}

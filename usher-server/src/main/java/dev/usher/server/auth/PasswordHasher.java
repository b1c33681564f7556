package dev.usher.server.auth;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;

/**
 * argon2id password hashes in the standard PHC string form ({@code $argon2id$v=19$m=...}), with the
 * OWASP minimum parameters (19 MiB, 2 passes): slow enough to make guessing expensive, fast enough
 * (tens of milliseconds) for a sign-in.
 */
public final class PasswordHasher {

    public static final int MIN_LENGTH = 10;
    public static final int MAX_LENGTH = 1024;
    private static final Argon2Function ARGON2 = Argon2Function.getInstance(19_456, 2, 1, 32, Argon2.ID, 19);
    /** Verified against when the user is unknown, so the response time does not reveal which names exist. */
    private static final String DUMMY = Password.hash("usher-dummy-password").addRandomSalt(16).with(ARGON2).getResult();

    private PasswordHasher() {
    }

    public static String hash(String password) {
        requireAcceptable(password);
        return Password.hash(password).addRandomSalt(16).with(ARGON2).getResult();
    }

    /** Checks a password; with a null hash it spends the same time and says no. */
    public static boolean verify(String password, String hash) {
        if (password == null || password.length() > MAX_LENGTH) {
            return false;
        }
        String against = hash == null ? DUMMY : hash;
        boolean ok;
        try {
            ok = Password.check(password, against).with(Argon2Function.getInstanceFromHash(against));
        } catch (RuntimeException e) {
            ok = false;
        }
        return ok && hash != null;
    }

    public static void requireAcceptable(String password) {
        if (password == null || password.length() < MIN_LENGTH) {
            throw new IllegalArgumentException("a password must have at least " + MIN_LENGTH + " characters");
        }
        if (password.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("a password must have at most " + MAX_LENGTH + " characters");
        }
    }
}

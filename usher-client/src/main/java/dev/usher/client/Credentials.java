package dev.usher.client;

import java.util.Objects;

/**
 * How the client proves who it is: open mode (a name the server trusts), a password sign-in, or a
 * token. Build one with {@link #open()}, {@link #password} or {@link #token}.
 */
public abstract class Credentials {

    private Credentials() {
    }

    /** Open mode: the name and host reported as they are (null means: from the operating system). */
    public static final class Open extends Credentials {
        private final String user;
        private final String host;

        public Open(String user, String host) {
            this.user = user;
            this.host = host;
        }

        public String user() {
            return user;
        }

        public String host() {
            return host;
        }

        @Override
        public String toString() {
            return "Open[user=" + user + ", host=" + host + "]";
        }
    }

    /** Session mode: sign in with a password ({@code POST /api/v1/auth/sign-in}) and send the bearer token. */
    public static final class Password extends Credentials {
        private final String user;
        private final String password;

        public Password(String user, String password) {
            this.user = Objects.requireNonNull(user, "user");
            this.password = Objects.requireNonNull(password, "password");
        }

        public String user() {
            return user;
        }

        public String password() {
            return password;
        }

        @Override
        public String toString() {
            return "Password[user=" + user + "]";
        }
    }

    /** Session or token mode: a bearer token obtained elsewhere. */
    public static final class Token extends Credentials {
        private final String token;

        public Token(String token) {
            this.token = Objects.requireNonNull(token, "token");
        }

        public String token() {
            return token;
        }

        @Override
        public String toString() {
            return "Token[***]";
        }
    }

    public static Credentials open() {
        return new Open(null, null);
    }

    public static Credentials password(String user, String password) {
        return new Password(user, password);
    }

    public static Credentials token(String token) {
        return new Token(token);
    }
}

package dev.usher.client;

/** How the client proves who it is: open mode (a name the server trusts), a password sign-in, or a token. */
public sealed interface Credentials {

    /** Open mode: the name and host reported as they are (null means: from the operating system). */
    record Open(String user, String host) implements Credentials {}

    /** Session mode: sign in with a password ({@code POST /api/v1/auth/sign-in}) and send the bearer token. */
    record Password(String user, String password) implements Credentials {
        @Override
        public String toString() {
            return "Password[user=" + user + "]";
        }
    }

    /** Session or token mode: a bearer token obtained elsewhere. */
    record Token(String token) implements Credentials {
        @Override
        public String toString() {
            return "Token[***]";
        }
    }

    static Credentials open() {
        return new Open(null, null);
    }

    static Credentials password(String user, String password) {
        return new Password(user, password);
    }

    static Credentials token(String token) {
        return new Token(token);
    }
}

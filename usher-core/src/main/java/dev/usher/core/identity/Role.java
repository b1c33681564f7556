package dev.usher.core.identity;

/**
 * A named group of users. {@code builtIn} is {@code all-users} (everyone, implicitly; cannot be
 * edited) or {@code administrators}, else null.
 */
public record Role(long id, String name, String builtIn, String ldapGroup, int members) {

    public static final String ALL_USERS = "all-users";
    public static final String ADMINISTRATORS = "administrators";

    public boolean isAllUsers() {
        return ALL_USERS.equals(builtIn);
    }
}

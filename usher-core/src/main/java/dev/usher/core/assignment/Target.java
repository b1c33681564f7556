package dev.usher.core.assignment;

/** Who a rule is about: the members of a role, or one named person (a "named seat"). */
public sealed interface Target {

    /** True when a person with this user id and these role ids is covered by the target. */
    boolean covers(long userId, java.util.Set<Long> roleIds);

    String describe();

    record Role(long roleId, String name) implements Target {
        @Override
        public boolean covers(long userId, java.util.Set<Long> roleIds) {
            return roleIds.contains(roleId);
        }

        @Override
        public String describe() {
            return name;
        }
    }

    record User(long userId, String name) implements Target {
        @Override
        public boolean covers(long userId, java.util.Set<Long> roleIds) {
            return this.userId == userId;
        }

        @Override
        public String describe() {
            return "user " + name;
        }
    }
}

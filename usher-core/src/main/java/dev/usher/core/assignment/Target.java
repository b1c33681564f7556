package dev.usher.core.assignment;

/** Who a rule is about: the members of a role, or one named person (a "named seat"). */
public sealed interface Target {

    /** True when a person with this user id and these role ids is covered by the target. */
    boolean covers(long userId, java.util.Set<Long> roleIds);

    /** Short, as rule lists show it: {@code Engineers}, {@code user zoe}. */
    String describe();

    /** In a sentence: {@code the members of Engineers}, {@code zoe}. */
    String who();

    record Role(long roleId, String name) implements Target {
        @Override
        public boolean covers(long userId, java.util.Set<Long> roleIds) {
            return roleIds.contains(roleId);
        }

        @Override
        public String describe() {
            return name;
        }

        @Override
        public String who() {
            return "the members of " + name;
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

        @Override
        public String who() {
            return name;
        }
    }
}

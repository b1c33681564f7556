package dev.usher.core.seat.state;

import java.util.Set;

/**
 * A person as seat decisions see them: who, whether they may take seats, and the roles they are in
 * (the built-in All Users role included, so that rules can name everyone).
 */
public record Person(long id, String name, boolean enabled, Set<Long> roles) {

    public Person {
        roles = Set.copyOf(roles);
    }
}

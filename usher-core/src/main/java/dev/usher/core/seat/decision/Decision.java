package dev.usher.core.seat.decision;

import dev.usher.core.seat.state.Effect;

import java.util.List;

/** What a seat decision says: its answer, and the changes that make it true (applied in order). */
public record Decision<O>(O outcome, List<Effect> effects) {

    public Decision {
        effects = List.copyOf(effects);
    }

    public static <O> Decision<O> of(O outcome) {
        return new Decision<>(outcome, List.of());
    }
}

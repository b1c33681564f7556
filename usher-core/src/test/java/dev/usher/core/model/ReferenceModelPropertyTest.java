package dev.usher.core.model;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.List;

/**
 * The model against its own invariants: random runs of the model alone, the invariants checked after
 * every step (against a second model, which must also agree with the first: the model is
 * deterministic). A model that broke DESIGN §3 would make every comparison with a server meaningless.
 */
class ReferenceModelPropertyTest {

    @Property(tries = 200, seed = "20261203")
    void theModelKeepsTheInvariants(@ForAll("runs") List<Op> ops) {
        new Lockstep(new SeatModel(), new SecondModel()).run(ops);
    }

    @Provide
    Arbitrary<List<Op>> runs() {
        return OpGenerators.sequences(60);
    }

    private static final class SecondModel implements SystemUnderTest {
        private final SeatModel model = new SeatModel();

        @Override
        public Outcome apply(Op op) {
            return model.apply(op);
        }

        @Override
        public ObservedState observe() {
            return model.observe();
        }

        @Override
        public String name() {
            return "second model";
        }
    }
}

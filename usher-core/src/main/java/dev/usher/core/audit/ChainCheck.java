package dev.usher.core.audit;

/**
 * Walks the audit trail in sequence order and finds the first record that does not fit: a number
 * skipped (a record removed), a hash that does not match the record's fields (a record altered),
 * or a previous-hash that is not the hash before it (records reordered or replaced).
 */
public final class ChainCheck {

    /** The outcome: ok, or the first broken link with a sentence. */
    public record Result(boolean ok, long checked, Long brokenAt, String problem) {}

    private long expectedSeq = 1;
    private String prevHash = AuditEntry.GENESIS;
    private long checked;
    private Result broken;

    /** Feeds the next record; false once a broken link was found (the rest need not be read). */
    public boolean accept(AuditEntry e) {
        if (broken != null) {
            return false;
        }
        if (e.seq() != expectedSeq) {
            broken = new Result(false, checked, expectedSeq, e.seq() > expectedSeq
                    ? "record " + expectedSeq + (e.seq() == expectedSeq + 1 ? " is" : " to " + (e.seq() - 1) + " are")
                      + " missing: the trail jumps from " + (expectedSeq - 1) + " to " + e.seq() + " (removed)"
                    : "record " + e.seq() + " appears out of order after " + (expectedSeq - 1));
            return false;
        }
        if (!e.prevHash().equals(prevHash)) {
            broken = new Result(false, checked, e.seq(), "record " + e.seq()
                    + " does not follow record " + (e.seq() - 1) + ": its previous-hash differs (reordered, replaced or removed)");
            return false;
        }
        if (!e.computeHash().equals(e.hash())) {
            broken = new Result(false, checked, e.seq(), "record " + e.seq() + " was altered: its hash does not match its contents");
            return false;
        }
        prevHash = e.hash();
        expectedSeq++;
        checked++;
        return true;
    }

    /**
     * The verdict. {@code headSeq}/{@code headHash} are what the recorder last wrote (kept apart from
     * the records), so removing records from the end is noticed too.
     */
    public Result result(long headSeq, String headHash) {
        if (broken != null) {
            return broken;
        }
        if (headSeq != expectedSeq - 1 || (headSeq > 0 && !prevHash.equals(headHash))) {
            return new Result(false, checked, expectedSeq, "the trail ends at record " + (expectedSeq - 1)
                    + " but the recorder last wrote record " + headSeq + " (records removed from the end, or the head altered)");
        }
        return new Result(true, checked, null, "all " + checked + " records are intact and in order");
    }
}

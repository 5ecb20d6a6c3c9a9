package io.demikv.catnip.phy;

/**
 * What a {@link FaultInjectingDevice} does to transmitted frames, each as a probability per frame in
 * {@code [0, 1]}. Immutable; any thread.
 *
 * @param loss          drop the frame
 * @param duplicate     send it twice
 * @param reorder       hold it back for 1..{@code maxHoldPasses} receive polls, so later frames overtake it
 * @param corrupt       flip one random bit of it (the checksums must catch it)
 * @param maxHoldPasses the longest a reordered frame is held, in calls of {@link Device#receive}
 */
public record Faults(double loss, double duplicate, double reorder, double corrupt, int maxHoldPasses) {
    /** No faults. */
    public static final Faults NONE = new Faults(0, 0, 0, 0, 1);

    /** Checks each probability is in [0, 1] and the hold is at least one pass. */
    public Faults {
        check("loss", loss);
        check("duplicate", duplicate);
        check("reorder", reorder);
        check("corrupt", corrupt);
        if (maxHoldPasses < 1) {
            throw new IllegalArgumentException("maxHoldPasses must be at least 1, got " + maxHoldPasses);
        }
    }

    private static void check(String name, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(name + " must be a probability in [0, 1], got " + p);
        }
    }
}

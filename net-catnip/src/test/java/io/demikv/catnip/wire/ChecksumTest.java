package io.demikv.catnip.wire;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemorySegment;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ChecksumTest {
    /** The naive RFC 1071 definition, 16 bits at a time, as the model. */
    private static int reference(byte[] b) {
        long sum = 0;
        for (int i = 0; i < b.length; i += 2) {
            int hi = b[i] & 0xFF;
            int lo = i + 1 < b.length ? b[i + 1] & 0xFF : 0;
            sum += (hi << 8) | lo;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) (~sum & 0xFFFF);
    }

    @Test
    void matchesTheWorkedExampleOfRfc1071() {
        // RFC 1071 §3: the words 0001 f203 f4f5 f6f7 sum to ddf2 (with carries); the checksum is its complement.
        MemorySegment s = Frames.segment(Frames.hex("0001f203f4f5f6f7"));
        assertEquals(0xddf2, Checksum.fold(Checksum.add(s, 0, 8, 0)));
        assertEquals(0x220d, Checksum.of(s, 0, 8));
    }

    @Test
    void verifiesToZeroOverDataThatIncludesItsChecksum() {
        // The IPv4 header example of the Internet checksum article: checksum b861.
        MemorySegment s = Frames.segment(Frames.hex("450000730000400040 11b861c0a80001c0a800c7"));
        assertEquals(0, Checksum.of(s, 0, 20));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 1071})
    void agreesWithTheNaiveSumForRandomDataOfEveryLengthAndAlignment(long seed) {
        Random random = new Random(seed);
        for (int length = 0; length < 200; length++) {
            byte[] data = new byte[length + 3];
            random.nextBytes(data);
            MemorySegment s = Frames.segment(data);
            for (int start = 0; start < 3; start++) {
                byte[] window = java.util.Arrays.copyOfRange(data, start, start + length);
                assertEquals(reference(window), Checksum.of(s, start, length),
                        "seed " + seed + " length " + length + " start " + start);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {7, 8, 9})
    void incrementalUpdateEqualsRecomputation(long seed) {
        Random random = new Random(seed);
        for (int round = 0; round < 500; round++) {
            byte[] data = new byte[2 * (1 + random.nextInt(40))];
            random.nextBytes(data);
            int before = reference(data);
            int word = random.nextInt(data.length / 2) * 2;
            int oldWord = ((data[word] & 0xFF) << 8) | (data[word + 1] & 0xFF);
            int newWord = random.nextInt(0x10000);
            data[word] = (byte) (newWord >>> 8);
            data[word + 1] = (byte) newWord;
            int updated = Checksum.update(before, oldWord, newWord);
            int recomputed = reference(data);
            // One's complement has two zeros: 0x0000 and 0xFFFF are the same sum (RFC 1624 §3).
            assertEquals(recomputed == 0xFFFF ? 0 : recomputed, updated == 0xFFFF ? 0 : updated, "seed " + seed);
        }
    }

    @Test
    void pseudoHeaderAddsAddressesProtocolAndLength() {
        long sum = Checksum.pseudoHeader(0x0A000001, 0x0A000002, 17, 13);
        assertEquals(0x0A00 + 0x0001 + 0x0A00 + 0x0002 + 17 + 13, Checksum.fold(sum));
    }
}

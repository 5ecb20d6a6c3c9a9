package io.demikv.catnip.phy.dpdk;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lcore rewrite that keeps EAL from pinning the JVM, and the device-argument helpers. No DPDK needed. */
class EalArgumentsTest {
    private static List<String> args(String line) {
        return line.isEmpty() ? List.of() : Arrays.asList(line.split(" "));
    }

    @ParameterizedTest(name = "[{0}] -> [{1}]")
    @CsvSource(delimiter = '|', value = {
        // nothing said: lcore 0 floats over the allowed CPUs
        "--no-pci --no-huge -m 256               | --lcores=0@(0-1) --no-pci --no-huge -m 256",
        // -l LIST is replaced in place (EAL rejects -l with --lcores)
        "-l 0 --no-pci                           | --lcores=0@(0-1) --no-pci",
        "--no-pci -l 0-2                         | --no-pci --lcores=(0-2)@(0-1)",
        "-l1,3 --no-huge                         | --lcores=(1,3)@(0-1) --no-huge",
        "--lcores=2 --no-pci                     | --lcores=2@(0-1) --no-pci",
        "--lcores 0,1                            | --lcores=(0,1)@(0-1)",
        // -c MASK becomes a list
        "-c 0x5 --no-pci                         | --lcores=(0,2)@(0-1) --no-pci",
        "-c3                                     | --lcores=(0,1)@(0-1)",
        // an explicit mapping is the user's choice
        "--lcores=0@(0-1) --no-pci               | --lcores=0@(0-1) --no-pci",
        "--lcores 0@2 --vdev net_tap0            | --lcores 0@2 --vdev net_tap0",
    })
    void mapsTheLcoresToEveryAllowedCpu(String user, String expected) {
        assertEquals(args(expected.trim()), EalArguments.forJvm(args(user.trim()), "0-1"));
    }

    @Test
    void refusesTwoLcoreOptionsAsEalWouldButSaysWhatToKeep() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EalArguments.forJvm(args("-l 0 --no-pci --lcores=0@(0-1)"), "0-1"));
        assertTrue(e.getMessage().contains("keep one"), e.getMessage());
    }

    @Test
    void refusesAMissingValueAndABadMask() {
        assertThrows(IllegalArgumentException.class, () -> EalArguments.forJvm(args("--no-pci -l"), "0"));
        assertThrows(IllegalArgumentException.class, () -> EalArguments.forJvm(args("-c 0x0"), "0"));
        assertThrows(IllegalArgumentException.class, () -> EalArguments.forJvm(args("-c zz"), "0"));
    }

    @Test
    void usesTheCpusThisProcessMayRunOn() {
        String cpus = EalArguments.allowedCpus();
        assertTrue(cpus.matches("[0-9,\\-]+"), cpus);
        assertEquals("--lcores=0@(" + cpus + ")", EalArguments.forJvm(List.of()).getFirst());
    }

    @Test
    void findsTheFirstVdevAndItsDeviceName() {
        assertEquals("net_af_xdp0,iface=veth1,start_queue=0",
                EalArguments.firstVdev(args("--no-pci --vdev net_af_xdp0,iface=veth1,start_queue=0 --vdev net_tap0")));
        assertEquals("net_tap1,iface=t", EalArguments.firstVdev(args("--vdev=net_tap1,iface=t")));
        assertNull(EalArguments.firstVdev(args("--no-pci")));
        assertEquals("net_af_xdp0", EalArguments.deviceName("net_af_xdp0,iface=veth1"));
        assertEquals("net_null0", EalArguments.deviceName("net_null0"));
    }
}

package io.demikv.catnip.phy.dpdk.ffi;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where the shim is looked for, and what a user is told when it is not there. No DPDK needed. */
class ShimLibraryTest {
    @Test
    void aPropertyNamingNoFileIsReportedWithTheProperty() {
        String before = System.getProperty(ShimLibrary.PROPERTY);
        System.setProperty(ShimLibrary.PROPERTY, "/nonexistent/libdemikv_dpdk_shim.so");
        try {
            IOException e = assertThrows(IOException.class, ShimLibrary::locate);
            assertTrue(e.getMessage().contains(ShimLibrary.PROPERTY), e.getMessage());
        } finally {
            restore(before);
        }
    }

    @Test
    void thePropertyWinsOverTheBuiltShim() throws Exception {
        String before = System.getProperty(ShimLibrary.PROPERTY);
        Path fake = Files.createTempFile("shim", ".so");
        System.setProperty(ShimLibrary.PROPERTY, fake.toString());
        try {
            assertEquals(fake, ShimLibrary.locate());
        } finally {
            restore(before);
            Files.delete(fake);
        }
    }

    @Test
    void theBuildPutsTheShimNextToTheClassesOrTheReasonSaysWhatToInstall() {
        String why = ShimLibrary.unavailableReason();
        if (why == null) {
            System.out.println("[dpdk] shim found and loaded (" + Dpdk.version() + ")");
            assertEquals(Dpdk.SHIM_ABI, Dpdk.shimAbi());
        } else {
            System.out.println("[dpdk] shim unavailable: " + why);
            assertTrue(why.contains("libdpdk-dev") || why.contains("dpdk"), why);
        }
    }

    private static void restore(String before) {
        if (before == null) {
            System.clearProperty(ShimLibrary.PROPERTY);
        } else {
            System.setProperty(ShimLibrary.PROPERTY, before);
        }
    }
}

package io.demikv.libos.catnap;

import io.demikv.libos.LibOS;
import io.demikv.libos.LibOsFactory;
import io.demikv.libos.LibOsOptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class CatnapProviderTest {
    @Test
    void factoryCreatesCatnapByName() {
        assertTrue(LibOsFactory.available().contains("catnap"), LibOsFactory.available()::toString);
        try (LibOS os = LibOsFactory.create("catnap", LibOsOptions.defaults())) {
            assertInstanceOf(Catnap.class, os);
            assertEquals("catnap", os.name());
            assertTrue(os.socket(LibOS.AF_INET, LibOS.SOCK_STREAM, 0) >= 0);
        }
    }
}

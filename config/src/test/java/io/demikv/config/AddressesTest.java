package io.demikv.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AddressesTest {
    @Test
    void ipv4ParsesToNetworkOrderIntAndBack() {
        Ipv4Address address = Ipv4Address.parse("10.0.0.254");
        assertEquals(0x0a0000fe, address.value());
        assertArrayEquals(new byte[] {10, 0, 0, (byte) 254}, address.toBytes());
        assertEquals("10.0.0.254", address.toString());
        assertEquals("255.255.255.255", Ipv4Address.parse("255.255.255.255").toString());
        assertEquals(Ipv4Address.of(0, 0, 0, 0), Ipv4Address.parse("0.0.0.0"));
        assertTrue(Ipv4Address.parse("127.1.2.3").isLoopback());
        assertFalse(Ipv4Address.parse("10.0.0.1").isLoopback());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10.0.0", "10.0.0.1.2", "256.0.0.1", "10.0.0.01", "10..0.1", "10.0.0.1 ",
        "a.b.c.d", "-1.0.0.0", "1000.0.0.1", "10.0.0.", ".10.0.0"})
    void ipv4RejectsMalformedText(String text) {
        assertThrows(IllegalArgumentException.class, () -> Ipv4Address.parse(text));
    }

    @Test
    void macParsesToLongAndBytesAndPrintsLowerCase() {
        MacAddress mac = MacAddress.parse("AA:bb:CC:dd:EE:f0");
        assertEquals(0xaabbccddeef0L, mac.value());
        assertArrayEquals(new byte[] {(byte) 0xaa, (byte) 0xbb, (byte) 0xcc, (byte) 0xdd, (byte) 0xee, (byte) 0xf0},
                mac.toBytes());
        assertEquals("aa:bb:cc:dd:ee:f0", mac.toString());
        assertEquals(mac, MacAddress.parse("aa-bb-cc-dd-ee-f0"));
        assertTrue(MacAddress.parse("01:00:5e:00:00:01").isMulticast());
        assertFalse(MacAddress.parse("02:00:00:00:00:01").isMulticast());
        assertTrue(MacAddress.BROADCAST.isMulticast());
        assertTrue(MacAddress.ZERO.isZero());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "aa:bb:cc:dd:ee", "aa:bb:cc:dd:ee:ff:00", "aa:bb-cc:dd:ee:ff", "gg:bb:cc:dd:ee:ff",
        "aabb.ccdd.eeff", "a:bb:cc:dd:ee:fff", "aa bb cc dd ee ff"})
    void macRejectsMalformedText(String text) {
        assertThrows(IllegalArgumentException.class, () -> MacAddress.parse(text));
    }

    @Test
    void macRejectsMoreThan48Bits() {
        assertThrows(IllegalArgumentException.class, () -> new MacAddress(1L << 48));
    }
}

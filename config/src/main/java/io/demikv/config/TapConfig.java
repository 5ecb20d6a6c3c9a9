package io.demikv.config;

/**
 * The {@code tap} section: the TAP device Catnip opens (creating it if needed) when
 * {@code catnip.device} is {@code tap}. Immutable; any thread.
 *
 * @param deviceName {@code device_name}; default {@code tap0}
 */
public record TapConfig(String deviceName) {
    /** Device {@code tap0}. */
    public static final TapConfig DEFAULTS = new TapConfig("tap0");

    /** Checks the name against Linux's rules. */
    public TapConfig {
        Check.interfaceName("deviceName", deviceName, false);
    }
}

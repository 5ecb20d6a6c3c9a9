package io.demikv.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;

/**
 * The table of every key in the Demikernel-style sections, with its type, limits and default. This is
 * the one place that says which keys exist; the YAML reader, the command-line parser and the binder all
 * ask it. Defaults come from the section records' {@code DEFAULTS}, limits from their constants.
 * Immutable; any thread.
 */
final class Fields {
    /** The section that holds server directives instead of fixed keys. */
    static final String SERVER = "server";

    static final Field<Ipv4Address> LOCAL_IPV4_ADDR = scalar("demikernel.local_ipv4_addr",
            DemikernelConfig.DEFAULTS.localIpv4Addr(), Ipv4Address::parse);
    static final Field<MacAddress> LOCAL_LINK_ADDR = scalar("demikernel.local_link_addr",
            DemikernelConfig.DEFAULTS.localLinkAddr(), Fields::stationMac);

    static final Field<List<String>> EAL_INIT = stringList("dpdk.eal_init", DpdkConfig.DEFAULTS.ealInit());

    static final Field<String> LINUX_INTERFACE_NAME = scalar("raw_socket.linux_interface_name",
            RawSocketConfig.DEFAULTS.linuxInterfaceName(), Fields::interfaceName);

    static final Field<String> TAP_DEVICE_NAME = scalar("tap.device_name",
            TapConfig.DEFAULTS.deviceName(), Fields::interfaceName);

    static final Field<Integer> MTU = integer("inetstack_config.mtu",
            InetStackConfig.MIN_MTU, InetStackConfig.MAX_MTU, InetStackConfig.DEFAULTS.mtu());
    /** The upper limit here is the loosest; the binder then checks {@code mss <= mtu - 40}. */
    static final Field<Integer> MSS = integer("inetstack_config.mss", InetStackConfig.MIN_MSS,
            InetStackConfig.MAX_MTU - InetStackConfig.IPV4_TCP_HEADERS, InetStackConfig.DEFAULTS.mss());
    static final Field<Map<Ipv4Address, MacAddress>> ARP_TABLE = arpTable("inetstack_config.arp_table");
    static final Field<Integer> ARP_TTL_SECS = integer("inetstack_config.arp_ttl_secs", 1,
            InetStackConfig.MAX_ARP_TTL_SECS, (int) InetStackConfig.DEFAULTS.arpTtl().toSeconds());
    static final Field<Integer> ARP_REQUEST_TIMEOUT_MS = integer("inetstack_config.arp_request_timeout_ms", 1,
            InetStackConfig.MAX_ARP_REQUEST_TIMEOUT_MS,
            (int) InetStackConfig.DEFAULTS.arpRequestTimeout().toMillis());
    static final Field<Integer> ARP_REQUEST_RETRIES = integer("inetstack_config.arp_request_retries", 0,
            InetStackConfig.MAX_ARP_REQUEST_RETRIES, InetStackConfig.DEFAULTS.arpRequestRetries());
    static final Field<Boolean> ENABLE_JUMBO_FRAMES = bool("inetstack_config.enable_jumbo_frames",
            InetStackConfig.DEFAULTS.enableJumboFrames());
    static final Field<Boolean> UDP_CHECKSUM_OFFLOAD = bool("inetstack_config.udp_checksum_offload",
            InetStackConfig.DEFAULTS.udpChecksumOffload());
    static final Field<Boolean> TCP_CHECKSUM_OFFLOAD = bool("inetstack_config.tcp_checksum_offload",
            InetStackConfig.DEFAULTS.tcpChecksumOffload());

    static final Field<Boolean> KEEPALIVE_ENABLED = bool("tcp_socket_options.keepalive.enabled",
            TcpSocketOptions.DEFAULTS.keepalive().enabled());
    static final Field<Integer> KEEPALIVE_TIME_SECS = integer("tcp_socket_options.keepalive.time_secs", 1,
            TcpSocketOptions.MAX_KEEPALIVE_SECS, (int) TcpSocketOptions.DEFAULTS.keepalive().time().toSeconds());
    static final Field<Integer> KEEPALIVE_INTERVAL_SECS = integer("tcp_socket_options.keepalive.interval_secs",
            1, TcpSocketOptions.MAX_KEEPALIVE_SECS,
            (int) TcpSocketOptions.DEFAULTS.keepalive().interval().toSeconds());
    static final Field<Boolean> LINGER_ENABLED = bool("tcp_socket_options.linger.enabled",
            TcpSocketOptions.DEFAULTS.linger().enabled());
    static final Field<Integer> LINGER_TIME_SECS = integer("tcp_socket_options.linger.time_secs", 0,
            TcpSocketOptions.MAX_LINGER_SECS, (int) TcpSocketOptions.DEFAULTS.linger().time().toSeconds());
    static final Field<Boolean> NODELAY = bool("tcp_socket_options.nodelay", TcpSocketOptions.DEFAULTS.nodelay());
    static final Field<CongestionControl> CONGESTION_CONTROL = choice("tcp_socket_options.congestion_control",
            CongestionControl.values(), CongestionControl::configName,
            TcpSocketOptions.DEFAULTS.congestionControl());

    static final Field<CatnipDevice> CATNIP_DEVICE = choice("catnip.device", CatnipDevice.values(),
            CatnipDevice::configName, CatnipConfig.DEFAULTS.device());
    static final Field<CatnipIdle> CATNIP_IDLE = choice("catnip.idle", CatnipIdle.values(),
            CatnipIdle::configName, CatnipConfig.DEFAULTS.idle());

    static final Field<LibOsName> LIBOS_NAME = choice("libos.name", LibOsName.values(), LibOsName::configName,
            LibOsConfig.DEFAULTS.name());
    static final Field<Integer> SPIN_POLLS = integer("libos.wait_policy.spin_polls", 0,
            WaitPolicyConfig.MAX_POLLS, WaitPolicyConfig.DEFAULTS.spinPolls());
    static final Field<Integer> YIELD_POLLS = integer("libos.wait_policy.yield_polls", 0,
            WaitPolicyConfig.MAX_POLLS, WaitPolicyConfig.DEFAULTS.yieldPolls());
    static final Field<Integer> MIN_PARK_US = integer("libos.wait_policy.min_park_us",
            WaitPolicyConfig.MIN_PARK_MICROS, WaitPolicyConfig.MAX_PARK_MICROS,
            (int) (WaitPolicyConfig.DEFAULTS.minPark().toNanos() / 1000));
    /** The binder then checks {@code max_park_us >= min_park_us}. */
    static final Field<Integer> MAX_PARK_US = integer("libos.wait_policy.max_park_us",
            WaitPolicyConfig.MIN_PARK_MICROS, WaitPolicyConfig.MAX_PARK_MICROS,
            (int) (WaitPolicyConfig.DEFAULTS.maxPark().toNanos() / 1000));

    static final List<Field<?>> ALL = List.of(LOCAL_IPV4_ADDR, LOCAL_LINK_ADDR, EAL_INIT, LINUX_INTERFACE_NAME,
            TAP_DEVICE_NAME, MTU, MSS, ARP_TABLE, ARP_TTL_SECS, ARP_REQUEST_TIMEOUT_MS, ARP_REQUEST_RETRIES,
            ENABLE_JUMBO_FRAMES, UDP_CHECKSUM_OFFLOAD, TCP_CHECKSUM_OFFLOAD, KEEPALIVE_ENABLED,
            KEEPALIVE_TIME_SECS, KEEPALIVE_INTERVAL_SECS, LINGER_ENABLED, LINGER_TIME_SECS, NODELAY,
            CONGESTION_CONTROL, CATNIP_DEVICE, CATNIP_IDLE, LIBOS_NAME, SPIN_POLLS, YIELD_POLLS, MIN_PARK_US, MAX_PARK_US);

    private static final Map<String, Field<?>> BY_PATH = new LinkedHashMap<>();
    /** Section path to the names directly under it (keys and sub-sections), in table order. */
    private static final Map<String, Set<String>> CHILDREN = new LinkedHashMap<>();

    static {
        for (Field<?> field : ALL) {
            BY_PATH.put(field.path(), field);
            String path = field.path();
            int dot = path.lastIndexOf('.');
            while (dot > 0) {
                String parent = path.substring(0, dot);
                CHILDREN.computeIfAbsent(parent, p -> new LinkedHashSet<>()).add(path.substring(dot + 1));
                path = parent;
                dot = path.lastIndexOf('.');
            }
            CHILDREN.computeIfAbsent("", p -> new LinkedHashSet<>()).add(path);
        }
        CHILDREN.get("").add(SERVER);
        CHILDREN.put(SERVER, new LinkedHashSet<>());
    }

    private Fields() {
    }

    /** The field at {@code path}, or null. */
    static Field<?> byPath(String path) {
        return BY_PATH.get(path);
    }

    /** True when {@code path} is a section (holds keys), including {@code server}. */
    static boolean isSection(String path) {
        return !path.isEmpty() && CHILDREN.containsKey(path);
    }

    /** Names directly under a section ({@code ""} for the top level), for "unknown key" hints. */
    static Set<String> childrenOf(String section) {
        return CHILDREN.getOrDefault(section, Set.of());
    }

    // ---- conversions ------------------------------------------------------------------------------

    private static <T> Field<T> scalar(String path, T defaultValue, Function<String, T> parse) {
        return new Field<>(path, Field.Shape.SCALAR, defaultValue, (p, raw) -> {
            RawValue.Scalar scalar = requireScalar(p, raw, "a value");
            try {
                return parse.apply(scalar.text());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(raw.origin().description(), p, e.getMessage());
            }
        });
    }

    private static Field<Integer> integer(String path, int min, int max, int defaultValue) {
        return new Field<>(path, Field.Shape.SCALAR, defaultValue, (p, raw) -> {
            RawValue.Scalar scalar = requireScalar(p, raw, "an integer");
            OptionalLong value = Decimal.parseLong(scalar.text());
            if (value.isEmpty()) {
                throw new ConfigException(raw.origin().description(), p,
                        "expected an integer, got " + raw.shapeName());
            }
            long v = value.getAsLong();
            if (v < min || v > max) {
                throw new ConfigException(raw.origin().description(), p,
                        v + " is out of range (" + min + ".." + max + ")");
            }
            return (int) v;
        });
    }

    private static Field<Boolean> bool(String path, boolean defaultValue) {
        return new Field<>(path, Field.Shape.SCALAR, defaultValue, (p, raw) -> {
            String text = requireScalar(p, raw, "true or false").text();
            if (Ascii.equalsIgnoreCase(text, "true") || Ascii.equalsIgnoreCase(text, "yes")) {
                return true;
            }
            if (Ascii.equalsIgnoreCase(text, "false") || Ascii.equalsIgnoreCase(text, "no")) {
                return false;
            }
            throw new ConfigException(raw.origin().description(), p,
                    "expected true or false, got " + raw.shapeName());
        });
    }

    private static <E extends Enum<E>> Field<E> choice(String path, E[] values, Function<E, String> name,
                                                       E defaultValue) {
        List<String> names = new ArrayList<>();
        for (E e : values) {
            names.add(name.apply(e));
        }
        String expected = "one of " + String.join(", ", names);
        return new Field<>(path, Field.Shape.SCALAR, defaultValue, (p, raw) -> {
            String text = requireScalar(p, raw, expected).text();
            for (E e : values) {
                if (Ascii.equalsIgnoreCase(name.apply(e), text)) {
                    return e;
                }
            }
            throw new ConfigException(raw.origin().description(), p,
                    "expected " + expected + ", got " + raw.shapeName());
        });
    }

    private static Field<List<String>> stringList(String path, List<String> defaultValue) {
        return new Field<>(path, Field.Shape.LIST, defaultValue, (p, raw) -> {
            if (!(raw instanceof RawValue.Sequence sequence)) {
                if (raw instanceof RawValue.Scalar s && s.isNull()) {
                    return List.of(); // "eal_init:" with nothing after it: an empty list
                }
                throw new ConfigException(raw.origin().description(), p,
                        "expected a list of strings, got " + raw.shapeName());
            }
            List<String> items = new ArrayList<>();
            for (RawValue item : sequence.items()) {
                items.add(requireScalar(p, item, "a string").text());
            }
            return List.copyOf(items);
        });
    }

    private static Field<Map<Ipv4Address, MacAddress>> arpTable(String path) {
        return new Field<>(path, Field.Shape.MAP, Map.of(), (p, raw) -> {
            if (!(raw instanceof RawValue.Mapping mapping)) {
                if (raw instanceof RawValue.Scalar s && s.isNull()) {
                    return Map.of();
                }
                throw new ConfigException(raw.origin().description(), p,
                        "expected a mapping of IPv4 address to MAC address, got " + raw.shapeName());
            }
            Map<Ipv4Address, MacAddress> table = new LinkedHashMap<>();
            for (RawValue.Entry entry : mapping.entries()) {
                String where = entry.key().origin().description();
                Ipv4Address ip;
                MacAddress mac;
                try {
                    ip = Ipv4Address.parse(entry.key().text());
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(where, p, e.getMessage());
                }
                String macText = requireScalar(p + "." + ip, entry.value(), "a MAC address").text();
                try {
                    mac = stationMac(macText);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(entry.value().origin().description(), p + "." + ip, e.getMessage());
                }
                if (table.put(ip, mac) != null) {
                    throw new ConfigException(where, p, "duplicate entry for " + ip);
                }
            }
            return Map.copyOf(table);
        });
    }

    private static RawValue.Scalar requireScalar(String path, RawValue raw, String expected) {
        if (raw instanceof RawValue.Scalar s && !s.isNull()) {
            return s;
        }
        throw new ConfigException(raw.origin().description(), path,
                "expected " + expected + ", got " + raw.shapeName());
    }

    private static MacAddress stationMac(String text) {
        MacAddress mac = MacAddress.parse(text);
        if (mac.isMulticast()) {
            throw new IllegalArgumentException(
                    "'" + text + "' is a multicast address (the first octet must be even)");
        }
        return mac;
    }

    private static String interfaceName(String text) {
        String problem = Check.interfaceNameProblem(text);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return text;
    }
}

package io.demikv.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns the layered raw settings (file, then environment, then command line; a later one replaces an
 * earlier one with the same path) into a typed {@link Config}: rejects unknown keys, types every value
 * against {@link Fields} or the server's {@link DirectiveSchema}, then checks the rules that tie keys
 * together (MSS within MTU, park times ordered, what the chosen Catnip device needs). Every error names
 * the origin of the value at fault. One use per load; runs on the loader's thread.
 */
final class ConfigBinder {
    private final DirectiveSchema schema;
    private final Optional<Path> file;
    private final Map<String, Setting> merged = new LinkedHashMap<>();
    private final Map<Field<?>, Object> values = new HashMap<>();

    private ConfigBinder(DirectiveSchema schema, Optional<Path> file) {
        this.schema = schema;
        this.file = file;
    }

    static Config bind(List<Setting> layered, DirectiveSchema schema, Optional<Path> file) {
        ConfigBinder binder = new ConfigBinder(schema, file);
        for (Setting setting : layered) {
            binder.merged.put(binder.canonicalPath(setting.path()), setting);
        }
        DirectiveRegistry server = new DirectiveRegistry(schema);
        for (Map.Entry<String, Setting> entry : binder.merged.entrySet()) {
            binder.apply(entry.getKey(), entry.getValue(), server);
        }
        return binder.build(server);
    }

    /** Server directive names are case-insensitive, so {@code --Port} replaces {@code port:}. */
    private String canonicalPath(String path) {
        String prefix = Fields.SERVER + ".";
        if (path.startsWith(prefix) && schema.contains(path.substring(prefix.length()))) {
            return prefix + schema.get(path.substring(prefix.length())).name();
        }
        return path;
    }

    private void apply(String path, Setting setting, DirectiveRegistry server) {
        String prefix = Fields.SERVER + ".";
        if (path.startsWith(prefix)) {
            applyDirective(path, path.substring(prefix.length()), setting, server);
            return;
        }
        Field<?> field = Fields.byPath(path);
        if (field == null) {
            throw unknownKey(setting);
        }
        values.put(field, field.convert(setting.value()));
    }

    private void applyDirective(String path, String name, Setting setting, DirectiveRegistry server) {
        if (!schema.contains(name)) {
            throw new ConfigException(setting.keyOrigin().description(), setting.path(),
                    "unknown server directive '" + name + "'");
        }
        RawValue raw = setting.value();
        if (!(raw instanceof RawValue.Scalar scalar) || scalar.isNull()) {
            throw new ConfigException(raw.origin().description(), path,
                    "expected " + schema.get(name).type().describe() + ", got " + raw.shapeName());
        }
        String problem = server.setAtStartup(name, scalar.text());
        if (problem != null) {
            throw new ConfigException(raw.origin().description(), path, "'" + scalar.text() + "': " + problem);
        }
    }

    private ConfigException unknownKey(Setting setting) {
        String path = setting.path();
        String where = setting.keyOrigin().description();
        if (Fields.isSection(path)) {
            return new ConfigException(where, path, "is a section, not a value; set one of its keys: "
                    + String.join(", ", Fields.childrenOf(path)));
        }
        int dot = path.lastIndexOf('.');
        String section = dot < 0 ? "" : path.substring(0, dot);
        if (dot < 0) {
            StringBuilder hint = new StringBuilder();
            for (Field<?> field : Fields.ALL) {
                if (field.key().equals(path)) {
                    hint.append(hint.isEmpty() ? "; did you mean " : " or ").append(field.path());
                }
            }
            return new ConfigException(where, path, "unknown key: not a section ("
                    + String.join(", ", Fields.childrenOf("")) + ") nor a server directive" + hint);
        }
        if (Fields.isSection(section)) {
            return new ConfigException(where, path, "unknown key (" + section + " has: "
                    + String.join(", ", Fields.childrenOf(section)) + ")");
        }
        return new ConfigException(where, path, "unknown key");
    }

    // ---- typed values and cross-key rules -----------------------------------------------------------

    private Config build(DirectiveRegistry server) {
        int mtu = get(Fields.MTU);
        int maxMss = mtu - InetStackConfig.IPV4_TCP_HEADERS;
        int mss;
        if (isSet(Fields.MSS)) {
            mss = get(Fields.MSS);
            if (mss > maxMss) {
                throw error(Fields.MSS, mss + " is out of range (" + InetStackConfig.MIN_MSS + ".." + maxMss
                        + ": at most mtu " + mtu + " - 40)");
            }
        } else {
            mss = maxMss; // by default the largest segment the MTU carries
            if (mss < InetStackConfig.MIN_MSS) {
                throw error(Fields.MTU, mtu + " is too small for TCP: the minimum MSS of "
                        + InetStackConfig.MIN_MSS + " needs mtu >= "
                        + (InetStackConfig.MIN_MSS + InetStackConfig.IPV4_TCP_HEADERS));
            }
        }
        int minPark = get(Fields.MIN_PARK_US);
        int maxPark = get(Fields.MAX_PARK_US);
        if (maxPark < minPark) {
            Field<Integer> blamed = isSet(Fields.MAX_PARK_US) ? Fields.MAX_PARK_US : Fields.MIN_PARK_US;
            throw error(blamed, "max_park_us (" + maxPark + ") must not be below min_park_us (" + minPark + ")");
        }

        Config config = new Config(
                new DemikernelConfig(get(Fields.LOCAL_IPV4_ADDR), get(Fields.LOCAL_LINK_ADDR)),
                new DpdkConfig(get(Fields.EAL_INIT)),
                new RawSocketConfig(get(Fields.LINUX_INTERFACE_NAME)),
                new TapConfig(get(Fields.TAP_DEVICE_NAME)),
                new InetStackConfig(mtu, mss, get(Fields.ARP_TABLE), Duration.ofSeconds(get(Fields.ARP_TTL_SECS)),
                        Duration.ofMillis(get(Fields.ARP_REQUEST_TIMEOUT_MS)), get(Fields.ARP_REQUEST_RETRIES),
                        get(Fields.ENABLE_JUMBO_FRAMES), get(Fields.UDP_CHECKSUM_OFFLOAD),
                        get(Fields.TCP_CHECKSUM_OFFLOAD)),
                new TcpSocketOptions(
                        new TcpSocketOptions.Keepalive(get(Fields.KEEPALIVE_ENABLED),
                                Duration.ofSeconds(get(Fields.KEEPALIVE_TIME_SECS)),
                                Duration.ofSeconds(get(Fields.KEEPALIVE_INTERVAL_SECS))),
                        new TcpSocketOptions.Linger(get(Fields.LINGER_ENABLED),
                                Duration.ofSeconds(get(Fields.LINGER_TIME_SECS))),
                        get(Fields.NODELAY), get(Fields.CONGESTION_CONTROL)),
                new CatnipConfig(get(Fields.CATNIP_DEVICE), get(Fields.CATNIP_IDLE)),
                new LibOsConfig(get(Fields.LIBOS_NAME), new WaitPolicyConfig(get(Fields.SPIN_POLLS),
                        get(Fields.YIELD_POLLS), Duration.ofNanos(minPark * 1000L),
                        Duration.ofNanos(maxPark * 1000L))),
                server, file);
        if (config.libos().name() == LibOsName.CATNIP) {
            checkCatnip(config);
        }
        return config;
    }

    /** Catnip cannot start without its own addresses and the device the config selects. */
    private void checkCatnip(Config config) {
        String because = " because libos.name is catnip (" + originOf(Fields.LIBOS_NAME) + ")";
        if (config.demikernel().localLinkAddr().isZero()) {
            throw error(Fields.LOCAL_LINK_ADDR, "must be set" + because);
        }
        if (config.demikernel().localIpv4Addr().isLoopback()) {
            throw error(Fields.LOCAL_IPV4_ADDR, config.demikernel().localIpv4Addr()
                    + " is a loopback address; set the stack's own address" + because);
        }
        String device = " and catnip.device is " + config.catnip().device().configName();
        switch (config.catnip().device()) {
            case DPDK -> {
                if (config.dpdk().ealInit().isEmpty()) {
                    throw error(Fields.EAL_INIT, "must list the EAL arguments" + because + device);
                }
            }
            case RAW_SOCKET -> {
                if (!config.rawSocket().isSet()) {
                    throw error(Fields.LINUX_INTERFACE_NAME, "must name an interface" + because + device);
                }
            }
            case TAP -> {
                // tap.device_name always has a valid value (default tap0)
            }
        }
    }

    private boolean isSet(Field<?> field) {
        return values.containsKey(field);
    }

    @SuppressWarnings("unchecked")
    private <T> T get(Field<T> field) {
        return values.containsKey(field) ? (T) values.get(field) : field.defaultValue();
    }

    private String originOf(Field<?> field) {
        Setting setting = merged.get(field.path());
        return setting == null ? Origin.DEFAULT.description() : setting.value().origin().description();
    }

    /** An error about a field's value, located where that value was set, else at the file (if any). */
    private ConfigException error(Field<?> field, String detail) {
        Setting setting = merged.get(field.path());
        String where = setting != null ? setting.value().origin().description()
                : file.map(Path::toString).orElse("");
        return new ConfigException(where, field.path(), detail);
    }
}

package io.demikv.catnip.phy.dpdk.ffi;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Finds and loads {@code libdemikv_dpdk_shim.so}, the C shim that exports DPDK's inline functions (built by
 * net-catnip's Maven build from {@code src/main/c} when gcc and {@code libdpdk-dev} are present). Loading it also
 * loads the DPDK libraries it links ({@code librte_eal}, {@code librte_ethdev}, {@code librte_mbuf},
 * {@code librte_mempool}), whose exported functions {@link Dpdk} finds through the same lookup.
 *
 * <p>Where it looks, in order: the system property {@value #PROPERTY} (a path to the {@code .so}); the resource
 * {@value #RESOURCE} next to this module's classes (a build folder's {@code classes/}); the same resource inside
 * the module's jar, copied to a temporary file. Any thread; the result is remembered.
 */
public final class ShimLibrary {
    /** System property naming the shim's path, overriding the built one. */
    public static final String PROPERTY = "demikv.dpdk.shim";
    static final String RESOURCE = "/native/libdemikv_dpdk_shim.so";
    /** What the user must do when there is no shim. */
    public static final String NOT_BUILT = "DPDK shim not built: install dpdk libdpdk-dev (and gcc, pkg-config) "
            + "and rebuild net-catnip, or point -D" + PROPERTY + "= at libdemikv_dpdk_shim.so";

    private static SymbolLookup lookup;
    private static String failure;

    private ShimLibrary() {
    }

    /** Null when the shim can be loaded, else why not (and what to do). Loads it on first use. */
    public static synchronized String unavailableReason() {
        if (lookup == null && failure == null) {
            load();
        }
        return failure;
    }

    /**
     * The shim's symbols (and its DPDK libraries').
     *
     * @throws IllegalStateException saying why the shim is missing or cannot be loaded, and what to do
     */
    public static synchronized SymbolLookup require() {
        String why = unavailableReason();
        if (why != null) {
            throw new IllegalStateException(why);
        }
        return lookup;
    }

    /** Where the shim is, or null when it was not built. */
    static Path locate() throws IOException {
        String property = System.getProperty(PROPERTY);
        if (property != null && !property.isBlank()) {
            Path p = Path.of(property);
            if (!Files.isReadable(p)) {
                throw new IOException("-D" + PROPERTY + "=" + property + " names no readable file");
            }
            return p;
        }
        URL url = ShimLibrary.class.getResource(RESOURCE);
        if (url == null) {
            return null;
        }
        if ("file".equals(url.getProtocol())) {
            try {
                return Path.of(url.toURI());
            } catch (URISyntaxException e) {
                throw new IOException("bad shim location " + url, e);
            }
        }
        // Inside a jar: dlopen needs a file.
        Path tmp = Files.createTempFile("libdemikv_dpdk_shim", ".so");
        tmp.toFile().deleteOnExit();
        try (InputStream in = url.openStream()) {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        return tmp;
    }

    @SuppressWarnings("restricted") // the JVM runs with --enable-native-access (see the parent pom)
    private static void load() {
        Path path;
        try {
            path = locate();
        } catch (IOException e) {
            failure = "DPDK shim cannot be read: " + e.getMessage();
            return;
        }
        if (path == null) {
            failure = NOT_BUILT;
            return;
        }
        try {
            lookup = SymbolLookup.libraryLookup(path, Arena.global());
        } catch (IllegalArgumentException e) {
            failure = "DPDK shim " + path + " cannot be loaded (is the `dpdk` runtime package installed, and the shim "
                    + "built against the installed DPDK?): " + e.getMessage();
        }
    }
}

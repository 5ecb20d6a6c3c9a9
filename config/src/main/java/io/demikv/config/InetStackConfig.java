package io.demikv.config;

import java.time.Duration;
import java.util.Map;

/**
 * The {@code inetstack_config} section: Catnip's link and ARP settings and checksum offloads.
 * Immutable; any thread.
 *
 * @param mtu                 {@code mtu}: IP MTU in bytes, 68 (RFC 791's minimum) to 9216; default 1500
 * @param mss                 {@code mss}: TCP maximum segment size, 536 (RFC 9293's default) to
 *                            {@code mtu - 40} (IPv4 and TCP headers without options); default {@code mtu - 40}
 * @param arpTable            {@code arp_table}: static IPv4 to MAC entries that never expire; default empty
 * @param arpTtl              {@code arp_ttl_secs}: lifetime of a learned ARP entry, 1..86400 s; default 15 s
 * @param arpRequestTimeout   {@code arp_request_timeout_ms}: wait for an ARP reply, 1..60000 ms; default 20 ms
 * @param arpRequestRetries   {@code arp_request_retries}: ARP requests resent before giving up, 0..100;
 *                            default 5
 * @param enableJumboFrames   {@code enable_jumbo_frames}: let the device accept frames above 1518 bytes;
 *                            default false
 * @param udpChecksumOffload  {@code udp_checksum_offload}: let the device compute/check UDP checksums
 * @param tcpChecksumOffload  {@code tcp_checksum_offload}: let the device compute/check TCP checksums
 */
public record InetStackConfig(int mtu, int mss, Map<Ipv4Address, MacAddress> arpTable, Duration arpTtl,
                              Duration arpRequestTimeout, int arpRequestRetries, boolean enableJumboFrames,
                              boolean udpChecksumOffload, boolean tcpChecksumOffload) {
    /** RFC 791: every IPv4 module must handle 68-byte datagrams. */
    public static final int MIN_MTU = 68;
    /** The largest jumbo frame payload common NICs take. */
    public static final int MAX_MTU = 9216;
    /** RFC 9293 §3.7.1: the MSS a peer may assume when none is announced. */
    public static final int MIN_MSS = 536;
    /** IPv4 header (20) plus TCP header (20), both without options. */
    public static final int IPV4_TCP_HEADERS = 40;
    /** Upper limit of {@code arp_ttl_secs}. */
    public static final int MAX_ARP_TTL_SECS = 86_400;
    /** Upper limit of {@code arp_request_timeout_ms}. */
    public static final int MAX_ARP_REQUEST_TIMEOUT_MS = 60_000;
    /** Upper limit of {@code arp_request_retries}. */
    public static final int MAX_ARP_REQUEST_RETRIES = 100;

    /** MTU 1500, MSS 1460, no static ARP entries, ARP TTL 15 s, 20 ms timeout, 5 retries, no offloads. */
    public static final InetStackConfig DEFAULTS = new InetStackConfig(1500, 1460, Map.of(),
            Duration.ofSeconds(15), Duration.ofMillis(20), 5, false, false, false);

    /** Checks the limits, including {@code mss <= mtu - 40}; copies the ARP table. */
    public InetStackConfig {
        Check.range("mtu", mtu, MIN_MTU, MAX_MTU);
        Check.range("mss", mss, MIN_MSS, mtu - IPV4_TCP_HEADERS);
        arpTable = Map.copyOf(arpTable);
        Check.range("arpTtl (s)", Check.positive("arpTtl", arpTtl).toSeconds(), 1, MAX_ARP_TTL_SECS);
        Check.range("arpRequestTimeout (ms)", Check.positive("arpRequestTimeout", arpRequestTimeout).toMillis(),
                1, MAX_ARP_REQUEST_TIMEOUT_MS);
        Check.range("arpRequestRetries", arpRequestRetries, 0, MAX_ARP_REQUEST_RETRIES);
    }
}

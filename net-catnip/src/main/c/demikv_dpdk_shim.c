/*
 * demikv_dpdk_shim: plain, exported wrappers around the parts of DPDK's API that are static inline in its
 * headers (rx/tx bursts, mbuf alloc/free/refcount, rte_errno), so that Java can reach them through FFM.
 * Everything else Catnip needs from DPDK (rte_eal_init, rte_eth_dev_configure, ...) is exported by DPDK's
 * own libraries and called from Java directly (io.demikv.catnip.phy.dpdk.ffi.Dpdk).
 *
 * Built by net-catnip's Maven build (src/main/c/build-shim.sh) with gcc against `pkg-config libdpdk` when
 * both exist; skipped otherwise. Linux, 64-bit.
 *
 * Java and this file share one record layout, struct demikv_pkt (24 bytes, see DemikvPkt.java). Bump
 * DEMIKV_SHIM_ABI whenever a signature or that layout changes: Java refuses a shim of another version.
 */
#include <errno.h>
#include <stdint.h>

#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_version.h>

#define DEMIKV_SHIM_ABI 1

/* demikv_pkt.flags */
#define DEMIKV_PKT_MULTISEG 0x1 /* rx: the packet spans more than one mbuf (nb_segs > 1) */
#define DEMIKV_PKT_RETAIN   0x2 /* tx: take one more reference before sending (the caller keeps its own) */

/* The index of an mbuf that did not come from the pool the caller numbered. */
#define DEMIKV_NO_INDEX UINT32_MAX

/*
 * One packet's description, exchanged in arrays parallel to the struct rte_mbuf * arrays.
 *   offset  0: buf_addr  u64  the mbuf's buffer (virtual address), headroom included
 *   offset  8: index     u32  the mbuf's number in its numbered pool (demikv_pool_number), or DEMIKV_NO_INDEX
 *   offset 12: buf_len   u16  bytes at buf_addr
 *   offset 14: data_off  u16  where the data starts, from buf_addr
 *   offset 16: data_len  u16  bytes of data (first segment)
 *   offset 18: flags     u16  DEMIKV_PKT_*
 *   offset 20: pkt_len   u32  rx: bytes of data over all segments
 */
struct demikv_pkt {
    uint64_t buf_addr;
    uint32_t index;
    uint16_t buf_len;
    uint16_t data_off;
    uint16_t data_len;
    uint16_t flags;
    uint32_t pkt_len;
};

_Static_assert(sizeof(struct demikv_pkt) == 24, "struct demikv_pkt is 24 bytes (DemikvPkt.java)");

/* The private area of every mbuf in a numbered pool holds its index (priv_size >= 8). */
static inline uint32_t *mbuf_index_slot(struct rte_mbuf *m)
{
    return (uint32_t *) ((char *) m + sizeof(struct rte_mbuf));
}

static inline void describe(struct rte_mbuf *m, const struct rte_mempool *numbered, struct demikv_pkt *out)
{
    out->buf_addr = (uint64_t) (uintptr_t) m->buf_addr;
    out->index = (m->pool == numbered && numbered != NULL) ? *mbuf_index_slot(m) : DEMIKV_NO_INDEX;
    out->buf_len = m->buf_len;
    out->data_off = m->data_off;
    out->data_len = m->data_len;
    out->flags = m->nb_segs > 1 ? DEMIKV_PKT_MULTISEG : 0;
    out->pkt_len = m->pkt_len;
}

/* The ABI this file implements; Java checks it before any other call. */
int demikv_shim_abi(void)
{
    return DEMIKV_SHIM_ABI;
}

/* The DPDK version the shim was compiled against, as RTE_VERSION_NUM(year, month, minor, release). */
uint32_t demikv_shim_dpdk_version(void)
{
    return RTE_VERSION;
}

/* rte_errno is a thread-local variable, out of FFM's reach. */
int demikv_rte_errno(void)
{
    return rte_errno;
}

/* sizeof(struct rte_eth_conf), so Java can pass a zeroed one (all defaults) to rte_eth_dev_configure. */
size_t demikv_sizeof_eth_conf(void)
{
    return sizeof(struct rte_eth_conf);
}

/* sizeof(struct rte_mbuf): the private area (the index) follows it. */
size_t demikv_sizeof_mbuf(void)
{
    return sizeof(struct rte_mbuf);
}

struct numbering {
    struct rte_mbuf **out;
    struct demikv_pkt *info;
    uint32_t max;
    uint32_t next;
};

static void number_one(struct rte_mempool *mp, void *arg, void *obj, unsigned idx)
{
    (void) idx;
    struct numbering *n = arg;
    struct rte_mbuf *m = obj;
    if (n->next < n->max) {
        *mbuf_index_slot(m) = n->next;
        n->out[n->next] = m;
        describe(m, mp, &n->info[n->next]);
    }
    n->next++;
}

/*
 * Numbers every mbuf of a pktmbuf pool made with priv_size >= 8: writes i into mbuf i's private area, its
 * address into out[i] and its description (buffer address and length, headroom) into info[i], for i < max.
 * Returns the number of mbufs, or -EINVAL when the private area is too small. Call once, right after
 * rte_pktmbuf_pool_create, before any mbuf is in use.
 */
int64_t demikv_pool_number(struct rte_mempool *mp, struct rte_mbuf **out, struct demikv_pkt *info, uint32_t max)
{
    if (mp == NULL || rte_pktmbuf_priv_size(mp) < sizeof(uint64_t)) {
        return -EINVAL;
    }
    struct numbering n = {out, info, max, 0};
    rte_mempool_obj_iter(mp, number_one, &n);
    return n.next;
}

/*
 * Receives up to n packets from (port, queue) into pkts[] and describes each in info[]. An mbuf from
 * `numbered` gets its index; from another pool, DEMIKV_NO_INDEX. Returns how many.
 */
uint16_t demikv_rx_burst(uint16_t port, uint16_t queue, struct rte_mbuf **pkts, struct demikv_pkt *info,
                         uint16_t n, const struct rte_mempool *numbered)
{
    uint16_t got = rte_eth_rx_burst(port, queue, pkts, n);
    for (uint16_t i = 0; i < got; i++) {
        describe(pkts[i], numbered, &info[i]);
    }
    return got;
}

/*
 * Sends pkts[0..n) on (port, queue): first sets each single-segment mbuf's window from info[i] (data_off,
 * data_len; pkt_len = data_len) and takes one more reference where info[i].flags has DEMIKV_PKT_RETAIN. Every
 * mbuf is consumed: those the queue did not take are freed (a full queue drops, as a NIC's does). Returns how
 * many were sent.
 */
uint16_t demikv_tx_burst(uint16_t port, uint16_t queue, struct rte_mbuf **pkts, const struct demikv_pkt *info,
                         uint16_t n)
{
    for (uint16_t i = 0; i < n; i++) {
        struct rte_mbuf *m = pkts[i];
        m->data_off = info[i].data_off;
        m->data_len = info[i].data_len;
        m->pkt_len = info[i].data_len;
        if (info[i].flags & DEMIKV_PKT_RETAIN) {
            rte_mbuf_refcnt_update(m, 1);
        }
    }
    uint16_t sent = rte_eth_tx_burst(port, queue, pkts, n);
    if (sent < n) {
        rte_pktmbuf_free_bulk(&pkts[sent], n - sent);
    }
    return sent;
}

/*
 * Allocates n mbufs from mp (all or none) and describes each in info[] (data_off = the pool's headroom,
 * data_len = 0). Returns 0, or -ENOENT when the pool has fewer than n free.
 */
int demikv_alloc_bulk(struct rte_mempool *mp, struct rte_mbuf **pkts, struct demikv_pkt *info, uint32_t n)
{
    int rc = rte_pktmbuf_alloc_bulk(mp, pkts, n);
    if (rc != 0) {
        return rc < 0 ? rc : -ENOENT;
    }
    for (uint32_t i = 0; i < n; i++) {
        describe(pkts[i], mp, &info[i]);
    }
    return 0;
}

/* Drops one reference to each of pkts[0..n) (and their segments); the last one returns an mbuf to its pool. */
void demikv_free_bulk(struct rte_mbuf **pkts, uint32_t n)
{
    rte_pktmbuf_free_bulk(pkts, n);
}

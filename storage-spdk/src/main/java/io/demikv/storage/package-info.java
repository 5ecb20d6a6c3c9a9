/**
 * Storage for the demikv library OS: <b>Cattree</b>, Demikernel's storage libOS, as PDPIX queues over an
 * append-only log on a block device.
 *
 * <ul>
 *   <li>{@link io.demikv.storage.device}: the block-device interface, shaped like an SPDK NVMe queue pair
 *       (submit write/read/flush with a token, poll completions in batches), an in-memory device with a
 *       volatile-cache model for crash tests, and a fault-injecting decorator;</li>
 *   <li>{@link io.demikv.storage.device.uring}: the backend that runs here, io_uring over {@code O_DIRECT}
 *       through raw system calls;</li>
 *   <li>{@link io.demikv.storage.device.spdk}: the SPDK NVMe backend, loaded only where {@code libspdk}
 *       is installed;</li>
 *   <li>{@link io.demikv.storage.format}: flyweights over the on-disk bytes (superblock, record header);</li>
 *   <li>{@link io.demikv.storage.cattree}: the log queues, group commit and recovery;</li>
 *   <li>{@link io.demikv.storage.check}: scan, verify and truncate a log offline (for
 *       {@code demikv-check-log});</li>
 *   <li>{@link io.demikv.storage.bench}: the durable-append latency benchmark.</li>
 * </ul>
 * Native calls live only in {@link io.demikv.storage.ffi}.
 */
package io.demikv.storage;

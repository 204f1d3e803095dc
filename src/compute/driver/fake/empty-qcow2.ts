// A valid, empty qcow2 image (version 2, 64 KiB clusters, every cluster unallocated) built in memory,
// so that the fake driver's snapshots pass the same `qemu-img info` inspection as real ones.
import assert from 'node:assert';

const CLUSTER_BYTES = 64 * 1024;
/** One L1 entry maps one L2 table: 8192 entries of one cluster each. */
const BYTES_PER_L1_ENTRY = CLUSTER_BYTES * (CLUSTER_BYTES / 8);

/**
 * Layout: cluster 0 the header, cluster 1 the refcount table (one entry → cluster 2), cluster 2 the
 * refcount block (clusters 0..3 in use), cluster 3 the L1 table (all zero: nothing allocated).
 */
export function emptyQcow2(virtualSizeBytes: number): Buffer {
  assert(Number.isSafeInteger(virtualSizeBytes) && virtualSizeBytes > 0, 'virtual size must be positive');
  const l1Entries = Math.ceil(virtualSizeBytes / BYTES_PER_L1_ENTRY);
  assert(l1Entries * 8 <= CLUSTER_BYTES, 'virtual size too large for a one-cluster L1 table');
  const image = Buffer.alloc(3 * CLUSTER_BYTES + l1Entries * 8);
  image.write('QFI\xfb', 0, 'latin1');
  image.writeUInt32BE(2, 4); // version
  image.writeUInt32BE(16, 20); // cluster_bits
  image.writeBigUInt64BE(BigInt(virtualSizeBytes), 24);
  image.writeUInt32BE(l1Entries, 36); // l1_size
  image.writeBigUInt64BE(BigInt(3 * CLUSTER_BYTES), 40); // l1_table_offset
  image.writeBigUInt64BE(BigInt(CLUSTER_BYTES), 48); // refcount_table_offset
  image.writeUInt32BE(1, 56); // refcount_table_clusters
  image.writeBigUInt64BE(BigInt(2 * CLUSTER_BYTES), CLUSTER_BYTES);
  for (let cluster = 0; cluster < 4; cluster++) image.writeUInt16BE(1, 2 * CLUSTER_BYTES + cluster * 2);
  return image;
}

/**
 * A write-ahead log in etcd's on-disk format: {@link io.raftj.wal.Wal} (create, open, replay, save,
 * cut, snapshot markers, lock release), {@link io.raftj.wal.WalPurger}, the {@code wal-dump} tool
 * ({@link io.raftj.wal.WalDump}), and {@link io.raftj.wal.WalFs}, the file-system SPI every file
 * operation goes through (tests plug in a file system that crashes).
 *
 * <p>Mirrors etcd's {@code server/storage/wal} package, with the pieces of {@code
 * client/pkg/fileutil}, {@code pkg/ioutil} (the page writer) and {@code pkg/crc} it uses. The
 * record protobufs are in {@code io.raftj.wal.walpb} (etcd's {@code walpb}).
 */
package io.raftj.wal;

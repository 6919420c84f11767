package io.raftj.wal;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.HardState;

/**
 * One record of a WAL segment as {@link WalReader} found it: where it is, its type, its stored CRC
 * and how it checked against the CRC chain. The payload is parsed only on request.
 *
 * @param segment the segment's file name
 * @param offset the offset of the record's frame (its length field) in the segment
 * @param type the record type: {@link Wal#METADATA_TYPE}, {@link Wal#ENTRY_TYPE}, {@link
 *     Wal#STATE_TYPE}, {@link Wal#CRC_TYPE} or {@link Wal#SNAPSHOT_TYPE}; anything else is not
 *     etcd's (0 for an {@link Check#UNREADABLE} frame)
 * @param crc the CRC stored in the record
 * @param check how the record checked
 * @param data the record's payload, empty if it has none
 */
public record WalRecord(
    String segment, long offset, long type, int crc, Check check, ByteString data) {

  /** How a record checked against the CRC chain of the records before it. */
  public enum Check {
    /** The stored CRC continues the chain. */
    OK,
    /**
     * The stored CRC does not continue the chain: this record's bytes (or the chain before it) were
     * damaged. The chain continues from the stored value, so one damaged record does not condemn
     * the ones after it.
     */
    CRC_MISMATCH,
    /** The frame's bytes are not a record at all; type and CRC are unknown, the chain is lost. */
    UNREADABLE,
    /**
     * The first record after an unreadable frame, which broke the chain: its CRC cannot be checked,
     * and the chain restarts from the value it stores.
     */
    UNVERIFIED
  }

  /**
   * Whether the record checked out.
   *
   * @return true if {@link #check()} is {@link Check#OK}
   */
  public boolean crcValid() {
    return check == Check.OK;
  }

  /**
   * etcd's name for the record type.
   *
   * @return {@code metadata}, {@code entry}, {@code state}, {@code crc}, {@code snapshot}, or
   *     {@code unknown(N)}
   */
  public String typeName() {
    return typeName(type);
  }

  static String typeName(long type) {
    if (type == Wal.METADATA_TYPE) {
      return "metadata";
    } else if (type == Wal.ENTRY_TYPE) {
      return "entry";
    } else if (type == Wal.STATE_TYPE) {
      return "state";
    } else if (type == Wal.CRC_TYPE) {
      return "crc";
    } else if (type == Wal.SNAPSHOT_TYPE) {
      return "snapshot";
    }
    return "unknown(" + type + ")";
  }

  /**
   * The entry of an entry record.
   *
   * @return the parsed entry
   * @throws IllegalStateException if this is not an entry record
   * @throws InvalidProtocolBufferException if the payload does not parse
   */
  public Entry entry() throws InvalidProtocolBufferException {
    require(Wal.ENTRY_TYPE);
    return Entry.parseFrom(data);
  }

  /**
   * The hard state of a state record.
   *
   * @return the parsed hard state
   * @throws IllegalStateException if this is not a state record
   * @throws InvalidProtocolBufferException if the payload does not parse
   */
  public HardState hardState() throws InvalidProtocolBufferException {
    require(Wal.STATE_TYPE);
    return HardState.parseFrom(data);
  }

  /**
   * The snapshot marker of a snapshot record (a {@code walpb.Snapshot}; see {@link WalSnapshots} to
   * convert it).
   *
   * @return the parsed marker
   * @throws IllegalStateException if this is not a snapshot record
   * @throws InvalidProtocolBufferException if the payload does not parse
   */
  public io.raftj.wal.walpb.Snapshot snapshotMarker() throws InvalidProtocolBufferException {
    require(Wal.SNAPSHOT_TYPE);
    return io.raftj.wal.walpb.Snapshot.parseFrom(data);
  }

  private void require(long want) {
    if (type != want) {
      throw new IllegalStateException("a " + typeName() + " record, not " + typeName(want));
    }
  }
}

package io.raftj.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftj.wal.ForwardingWalFs;
import io.raftj.wal.WalFs;
import io.raftj.wal.WalOptions;
import org.junit.jupiter.api.Test;

final class DurableStorageOptionsTest {

  @Test
  void defaults_followEtcd() {
    DurableStorageOptions d = DurableStorageOptions.DEFAULT;
    assertThat(d.walMetadata()).isNull();
    assertThat(d.walSegmentSizeBytes()).isEqualTo(WalOptions.SEGMENT_SIZE_BYTES);
    assertThat(d.snapshotCatchUpEntries()).isEqualTo(5_000);
    assertThat(d.maxSnapshotFiles()).isEqualTo(5);
    assertThat(d.maxWalSegments()).isEqualTo(5);
    assertThat(d.fs()).isSameAs(WalFs.nio());
  }

  @Test
  void eachWither_changesItsOwnSetting_andLeavesTheOthers() {
    WalFs fs = new ForwardingWalFs(WalFs.nio());
    byte[] meta = {1, 2};
    DurableStorageOptions o =
        DurableStorageOptions.DEFAULT
            .withWalMetadata(meta)
            .withWalSegmentSizeBytes(4096)
            .withSnapshotCatchUpEntries(7)
            .withMaxSnapshotFiles(2)
            .withMaxWalSegments(3)
            .withFs(fs);
    meta[0] = 9; // the options keep their own copy
    assertThat(o.walMetadata()).containsExactly(1, 2);
    assertThat(o.walSegmentSizeBytes()).isEqualTo(4096);
    assertThat(o.snapshotCatchUpEntries()).isEqualTo(7);
    assertThat(o.maxSnapshotFiles()).isEqualTo(2);
    assertThat(o.maxWalSegments()).isEqualTo(3);
    assertThat(o.fs()).isSameAs(fs);
    assertThat(DurableStorageOptions.DEFAULT.maxSnapshotFiles()).isEqualTo(5);
  }

  @Test
  void badValues_areRefused() {
    DurableStorageOptions d = DurableStorageOptions.DEFAULT;
    assertThatThrownBy(() -> d.withWalSegmentSizeBytes(0)).hasMessageContaining("positive");
    assertThatThrownBy(() -> d.withSnapshotCatchUpEntries(-1)).hasMessageContaining("negative");
    assertThatThrownBy(() -> d.withMaxSnapshotFiles(0)).hasMessageContaining("at least 1");
    assertThatThrownBy(() -> d.withMaxWalSegments(0)).hasMessageContaining("at least 1");
    assertThatThrownBy(() -> d.withMaxBrokenSnapshotFiles(-1)).hasMessageContaining("negative");
    assertThatThrownBy(() -> d.withFs(null)).isInstanceOf(NullPointerException.class);
  }
}

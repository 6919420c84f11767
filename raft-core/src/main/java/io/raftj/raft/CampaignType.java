package io.raftj.raft;

import com.google.protobuf.ByteString;

/**
 * The kind of campaign a node runs. Mirrors {@code CampaignType} in etcd's {@code raft.go}: a
 * transfer campaign puts the bytes {@code "CampaignTransfer"} into the vote request's context, so
 * voters bypass their leader lease.
 */
enum CampaignType {
  /** The first phase of a Pre-Vote election. */
  CAMPAIGN_PRE_ELECTION("CampaignPreElection"),
  /** A normal election, or the second phase of a Pre-Vote election. */
  CAMPAIGN_ELECTION("CampaignElection"),
  /** An election started by leader transfer. */
  CAMPAIGN_TRANSFER("CampaignTransfer");

  private final String text;
  private final ByteString bytes;

  CampaignType(String text) {
    this.text = text;
    this.bytes = ByteString.copyFromUtf8(text);
  }

  /** The campaign's name as bytes: the vote context of a transfer campaign. */
  ByteString bytes() {
    return bytes;
  }

  @Override
  public String toString() {
    return text;
  }
}

/**
 * raftj's gRPC transport for {@code RaftServer}: one stream per pair of servers carrying every
 * group's messages in batches, snapshots in chunks, mutual TLS. The generated wire classes are not
 * exported.
 */
// grpc-java's jars are automatic modules (Automatic-Module-Name io.grpc, io.grpc.stub, ...).
@SuppressWarnings("requires-automatic")
module io.raftj.transport.grpc {
  requires transitive io.raftj.server;
  requires io.grpc;
  requires io.grpc.stub;
  requires io.grpc.protobuf;
  requires io.grpc.netty.shaded;
  requires org.slf4j;

  exports io.raftj.transport.grpc;
}

/**
 * A replicated key-value store on raftj: one process per member, the counterpart of etcd's {@code
 * contrib/raftexample}, built on raft-server and the gRPC transport.
 *
 * <p>{@link io.raftj.examples.kv.KvServer} is the entry point. Inside, {@code KvNode} hosts the
 * store's group on a {@link io.raftj.server.RaftServer} over {@link
 * io.raftj.transport.grpc.GrpcTransport}, {@code KvStore} is the state machine, {@code HttpFront}
 * serves HTTP on Netty, {@code ClientApi} routes requests and {@code LeaderProxy} forwards a
 * follower's writes to the leader. {@link io.raftj.examples.kv.KvBench} puts load on a running
 * cluster; {@link io.raftj.examples.kv.KvSnapshotCost} measures what the store's snapshots cost.
 */
package io.raftj.examples.kv;

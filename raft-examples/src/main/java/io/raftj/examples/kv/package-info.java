/**
 * A replicated key-value store on raftj: one process per member, the counterpart of etcd's
 * {@code contrib/raftexample} (and of its {@code rafthttp} transport, in a smaller shape).
 *
 * <p>{@link io.raftj.examples.kv.KvServer} is the entry point. Inside, {@code KvNode} drives a
 * {@link io.raftj.raft.Node} through the Ready loop over {@link io.raftj.storage.DurableStorage},
 * {@code PeerTransport} carries raftpb messages over TCP, {@code ClientApi} serves HTTP, and
 * {@code KvStore} is the state machine. {@link io.raftj.examples.kv.KvBench} puts load on a
 * running cluster.
 */
package io.raftj.examples.kv;

# Shared by bin/kv-cluster and bin/kv-bench: finds (or builds) raft-examples' jar and libraries.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
EXAMPLES="$ROOT/raft-examples/target"

# The class path of the key-value example. RAFTJ_KV_CLASSPATH, when set, is used as it is (the
# tests run the scripts against the classes they were built with).
kv_classpath() {
  if [ -n "${RAFTJ_KV_CLASSPATH:-}" ]; then
    echo "$RAFTJ_KV_CLASSPATH"
    return
  fi
  local jar
  jar=$(ls "$EXAMPLES"/raft-examples-*.jar 2>/dev/null | grep -v -- '-sources\|-tests' | head -n 1 || true)
  if [ -z "$jar" ] || [ ! -d "$EXAMPLES/lib" ]; then
    echo "Building raftj's key-value example (./mvnw -B -q -DskipTests -pl raft-examples -am package), once..." >&2
    (cd "$ROOT" && ./mvnw -B -q -DskipTests -pl raft-examples -am package) >&2
    jar=$(ls "$EXAMPLES"/raft-examples-*.jar | grep -v -- '-sources\|-tests' | head -n 1)
  fi
  echo "$jar:$EXAMPLES/lib/*"
}

kv_java() {
  if [ -n "${JAVA_HOME:-}" ]; then echo "$JAVA_HOME/bin/java"; else echo java; fi
}

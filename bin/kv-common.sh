# Shared by bin/kv-cluster and bin/kv-bench: finds (or builds) raft-examples' jar and libraries.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
EXAMPLES="$ROOT/raft-examples/target"

kv_classpath() {
  local jar
  jar=$(ls "$EXAMPLES"/raft-examples-*.jar 2>/dev/null | grep -v -- '-sources\|-tests' | head -n 1 || true)
  if [ -z "$jar" ] || [ ! -d "$EXAMPLES/lib" ]; then
    echo "Building raftj (mvn -B -q -DskipTests install), once..." >&2
    (cd "$ROOT" && mvn -B -q -DskipTests install) >&2
    jar=$(ls "$EXAMPLES"/raft-examples-*.jar | grep -v -- '-sources\|-tests' | head -n 1)
  fi
  echo "$jar:$EXAMPLES/lib/*"
}

kv_java() {
  if [ -n "${JAVA_HOME:-}" ]; then echo "$JAVA_HOME/bin/java"; else echo java; fi
}

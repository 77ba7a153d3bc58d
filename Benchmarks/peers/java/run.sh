#!/usr/bin/env bash
# Builds and runs the Java peers: pools (HikariCP 2.7.9, commons-pool2 2.11.1) and Caffeine 2.6.2, all from
# Debian's packages. `run.sh pools`, `run.sh caches`, or both by default.
set -euo pipefail
cd "$(dirname "$0")"
JARS=/usr/share/java
if [ ! -f "$JARS/HikariCP.jar" ] || [ ! -f "$JARS/commons-pool2.jar" ] || [ ! -f "$JARS/caffeine.jar" ]; then
    apt-get install -y -qq libhikaricp-java libcommons-pool2-java libslf4j-java libcaffeine-java >/dev/null
fi
CP="$JARS/HikariCP.jar:$JARS/commons-pool2.jar:$JARS/slf4j-api.jar:$JARS/slf4j-nop.jar:$JARS/caffeine.jar"
mkdir -p out
javac -d out -cp "$CP" PoolPeers.java CachePeers.java
what="${1:-all}"
if [ "$what" = all ] || [ "$what" = pools ]; then java -Xms512m -Xmx512m -cp "out:$CP" PoolPeers; fi
if [ "$what" = all ] || [ "$what" = caches ]; then java -Xms2g -Xmx2g -cp "out:$CP" CachePeers; fi

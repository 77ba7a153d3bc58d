#!/usr/bin/env bash
# Builds and runs the Java pool peers (HikariCP 2.7.9, commons-pool2 2.11.1 from Debian's packages).
set -euo pipefail
cd "$(dirname "$0")"
JARS=/usr/share/java
if [ ! -f "$JARS/HikariCP.jar" ] || [ ! -f "$JARS/commons-pool2.jar" ]; then
    apt-get install -y -qq libhikaricp-java libcommons-pool2-java libslf4j-java >/dev/null
fi
CP="$JARS/HikariCP.jar:$JARS/commons-pool2.jar:$JARS/slf4j-api.jar:$JARS/slf4j-nop.jar"
mkdir -p out
javac -d out -cp "$CP" PoolPeers.java
java -Xms512m -Xmx512m -cp "out:$CP" PoolPeers

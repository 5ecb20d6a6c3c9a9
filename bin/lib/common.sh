# Shared by the scripts in bin/: finds a JDK that can run FFM code (22+), builds the project when its
# sources are newer than the last build, and launches a main class with the right JVM flags.
# Source it; do not run it.

DEMIKV_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DEMIKV_JVM_FLAGS=(--enable-native-access=ALL-UNNAMED --add-exports java.base/jdk.internal.misc=ALL-UNNAMED)

demikv_die() {
    echo "$(basename "$0"): $*" >&2
    exit 1
}

# Prints the feature version (17, 25, ...) of the java binary in $1, or nothing.
demikv_java_version() {
    "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}'
}

# Sets JAVA_HOME to a JDK 22+ with javac: $JAVA_HOME if suitable, else the newest under /usr/lib/jvm.
demikv_find_jdk() {
    local candidate version best="" best_version=0
    if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
        version="$(demikv_java_version "$JAVA_HOME/bin/java")"
        if [[ "${version:-0}" =~ ^[0-9]+$ && "$version" -ge 22 ]]; then
            export JAVA_HOME
            return 0
        fi
    fi
    for candidate in /usr/lib/jvm/*; do
        [[ -x "$candidate/bin/java" && -x "$candidate/bin/javac" ]] || continue
        version="$(demikv_java_version "$candidate/bin/java")"
        [[ "${version:-0}" =~ ^[0-9]+$ ]] || continue
        if (( version >= 22 && version > best_version )); then
            best="$candidate"
            best_version="$version"
        fi
    done
    if [[ -z "$best" ]]; then
        demikv_die "no JDK 22 or newer found (JAVA_HOME=${JAVA_HOME:-unset}, nothing suitable in /usr/lib/jvm).
Install one, e.g. 'apt-get install openjdk-25-jdk' or Temurin 25 (temurin-25-jdk), or set JAVA_HOME to a JDK 22+."
    fi
    export JAVA_HOME="$best"
}

# Builds (skipping tests) when any source or pom is newer than the last build, then writes the runtime
# class path of module $1 to $DEMIKV_HOME/$1/target/classpath.txt. With DEMIKV_NO_BUILD=1 an existing build
# is used as it is (benchmark scripts set it once they have built, so that source edits made during a long
# run neither rebuild nor break it).
demikv_build_if_needed() {
    local module="$1"
    local stamp="$DEMIKV_HOME/$module/target/.demikv-build-stamp"
    if [[ "${DEMIKV_NO_BUILD:-}" == 1 && -f "$stamp" && -f "$DEMIKV_HOME/$module/target/classpath.txt" ]]; then
        return 0
    fi
    command -v mvn >/dev/null || demikv_die "Apache Maven (mvn) is required to build: apt-get install maven"
    if [[ -f "$stamp" && -f "$DEMIKV_HOME/$module/target/classpath.txt" ]] && \
       [[ -z "$(find "$DEMIKV_HOME" -path "$DEMIKV_HOME/.git" -prune -o \( -name '*.java' -o -name pom.xml -o -name '*.yaml' -o -name '*.c' \) -newer "$stamp" -print -quit)" ]]; then
        return 0
    fi
    echo "building demikv (first run or sources changed)..." >&2
    (cd "$DEMIKV_HOME" && mvn -q -B -Dstyle.color=never -DskipTests -pl "$module" -am package \
        org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
        -Dmdep.outputFile=target/classpath.txt -DincludeScope=runtime) >&2 \
        || demikv_die "build failed (run 'mvn -pl $module -am package' in $DEMIKV_HOME to see why)"
    touch "$stamp"
}

# Runs main class $2 of module $1 with the remaining arguments.
demikv_run() {
    local module="$1" main="$2"
    shift 2
    demikv_find_jdk
    demikv_build_if_needed "$module"
    local jar
    jar="$(ls "$DEMIKV_HOME/$module/target/"demikv-"$module"-*.jar 2>/dev/null | grep -v -e tests.jar -e sources.jar | head -1)"
    [[ -n "$jar" ]] || demikv_die "no jar for module $module after the build"
    exec "$JAVA_HOME/bin/java" "${DEMIKV_JVM_FLAGS[@]}" ${DEMIKV_JAVA_OPTS:-} \
        -cp "$jar:$(cat "$DEMIKV_HOME/$module/target/classpath.txt")" "$main" "$@"
}

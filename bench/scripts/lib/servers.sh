# Shared by the scripts that compare demikv-server with Debian's redis-server on loopback (redis-compare,
# aof-compare, ycsb-compare): tool checks, the CPU split, building before anything is timed, starting a server
# pinned to the server CPU, waiting for its PONG, stopping it, running a bounded client pinned to the client CPU,
# and stopping everything started here when the script exits, fails or is interrupted (Ctrl-C, TERM, HUP).
# Source it; do not run it. Every process it starts is remembered by its id and only those are signalled.

source "$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../bin/lib" && pwd)/common.sh"

bench_pids=()          # servers started by bench_start and not yet stopped
bench_client_pid=""    # the client bench_client is waiting for
bench_exit_cmd=""      # what bench_on_exit runs after stopping everything

# bench_require NAME TOOL...: exits naming the Debian packages to install when a tool is missing.
bench_require() {
    local name="$1" tool
    shift
    for tool; do
        command -v "$tool" >/dev/null || {
            echo "$name: $tool is missing (apt-get install redis-server redis-tools util-linux coreutils)" >&2
            exit 1
        }
    done
}

# Sets server_cpu (0) and client_cpu (1; 0 on a one-CPU machine).
bench_pick_cpus() {
    local cpus
    cpus="$(nproc)"
    server_cpu=0
    client_cpu=$(( cpus > 1 ? 1 : 0 ))
}

# bench_build MODULE...: builds what bin/ would build on first use (when sources changed), then makes the bin/
# commands started later by this script use that build as it is (DEMIKV_NO_BUILD=1): no build runs while a
# server is being waited for or measured, and every run measures the same code. Exits when the build fails.
bench_build() {
    local module
    demikv_find_jdk
    for module; do demikv_build_if_needed "$module"; done
    export DEMIKV_NO_BUILD=1
}

# bench_mode_args MODE: sets ours_args and redis_args (shell words, for bench_start) for a persistence mode:
# always | everysec (the log, with that fsync policy), off (no log). Redis never writes RDB snapshots here.
# Returns 1 for an unknown mode.
bench_mode_args() {
    case "$1" in
        always|everysec)
            ours_args="--appendonly yes --appendfsync $1"
            redis_args="--save '' --aof-use-rdb-preamble yes --appendonly yes --appendfsync $1" ;;
        off)
            ours_args="--appendonly no"
            redis_args="--save '' --aof-use-rdb-preamble yes --appendonly no" ;;
        *) return 1 ;;
    esac
}

# bench_on_exit COMMAND: when the script ends for any reason, stops every process started here, then evals
# COMMAND (e.g. removing a work directory). Ctrl-C, TERM and HUP end the script at once (exit 130/143/129).
bench_on_exit() {
    bench_exit_cmd="$1"
    trap bench_exit_handler EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    trap 'exit 129' HUP
}

bench_exit_handler() {
    trap '' INT TERM HUP
    if [[ -n "$bench_client_pid" ]]; then
        kill "$bench_client_pid" 2>/dev/null || true
        wait "$bench_client_pid" 2>/dev/null || true
    fi
    bench_stop
    eval "$bench_exit_cmd" || true
}

# bench_start LOG COMMAND: runs COMMAND (one string of shell words, evaluated, so arguments such as --save ''
# keep their quoting) in the background, pinned to $server_cpu, stdout and stderr to LOG. The process started
# is the server itself (exec all the way down: taskset, bin/demikv-server and redis-server all exec).
bench_start() {
    local log="$1"
    eval "exec taskset -c $server_cpu $2" >"$log" 2>&1 </dev/null &
    bench_pids+=($!)
}

# bench_running PID: true while PID runs (a process that exited but was not yet waited for does not count).
bench_running() {
    local state
    state="$(ps -o stat= -p "$1" 2>/dev/null)" || return 1
    [[ -n "$state" && "$state" != Z* ]]
}

# bench_await PORT [LOG...]: waits up to 60 s for the server on PORT to answer PING. If it does not, or a server
# started here exits first, prints the LOGs to stderr and exits 1.
bench_await() {
    local port="$1" p log
    shift
    for _ in $(seq 1 600); do
        [[ "$(redis-cli -p "$port" ping 2>/dev/null)" == PONG ]] && return 0
        for p in "${bench_pids[@]}"; do
            bench_running "$p" || break 2
        done
        sleep 0.1
    done
    echo "server on port $port did not start" >&2
    for log; do
        echo "--- $log" >&2
        cat "$log" >&2 || true
    done
    exit 1
}

# bench_stop [PORT...]: asks the servers on PORTs to shut down (SHUTDOWN NOSAVE), then sends TERM to every
# server started here that still runs, KILL to any still running 15 s later, reaps them and forgets them.
bench_stop() {
    local port p
    for port; do timeout 10 redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; done
    for p in "${bench_pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${bench_pids[@]}"; do
        for _ in $(seq 1 150); do
            bench_running "$p" || break
            sleep 0.1
        done
        kill -9 "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
    bench_pids=()
}

# bench_client SECONDS OUT COMMAND...: runs COMMAND pinned to $client_cpu with stdout to OUT and stderr to
# OUT.err, killed after SECONDS (then KILL 10 s later). It runs in the background and is waited for, so that
# Ctrl-C ends the script at once (the exit handler stops it). Returns COMMAND's status (124: timed out).
bench_client() {
    local limit="$1" out="$2" rc=0
    shift 2
    timeout -k 10 "$limit" taskset -c "$client_cpu" "$@" >"$out" 2>"$out.err" </dev/null &
    bench_client_pid=$!
    wait "$bench_client_pid" || rc=$?
    bench_client_pid=""
    return "$rc"
}

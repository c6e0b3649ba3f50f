# Helpers that bench/proxy and bench/auth share: cleanup by PID, tools, the build, free
# ports, nginx, CPU time and wrk's output. Source it from a script that has already run
# `set -euo pipefail` and changed to the repository's root.
#
# Variables it reads: SWIFT_SCRATCH. Variables it sets: started, transient, cleanup_paths
# (PIDs to stop and paths to remove on exit), nginx, tokengate, port, nginx_common.

# Long-running processes the script started, and the one wrk or curl now in flight: the
# trap stops exactly these, by PID. cleanup_paths are removed after them.
started=()
transient=
cleanup_paths=()

stop_pid() {
    local pid=$1 tries
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((tries = 0; tries < 50; tries++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
}

cleanup() {
    local status=$? index
    trap - EXIT INT TERM HUP
    [[ -n $transient ]] && stop_pid "$transient"
    # Newest first: tokengate and the proxy go before the upstream they talk to.
    for ((index = ${#started[@]} - 1; index >= 0; index--)); do
        stop_pid "${started[index]}"
    done
    wait 2>/dev/null || true
    for index in "${!cleanup_paths[@]}"; do
        rm -rf "${cleanup_paths[index]}"
    done
    exit "$status"
}
trap cleanup EXIT
# A signal becomes an exit, so that the EXIT trap above runs for it too.
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# Runs a command in the background and waits for it: bash defers a trap while a foreground
# child runs, which would leave a 10-second wrk running after Ctrl-C.
tracked() {
    local status=0
    "$@" &
    transient=$!
    wait "$transient" || status=$?
    transient=
    return "$status"
}

# Installs the missing ones of wrk, curl, nginx and the Debian PACKAGES given, when run as
# root; otherwise names them and exits 2. Each extra argument is COMMAND=PACKAGE. Sets nginx.
need_tools() {
    local -a missing=()
    local pair
    command -v wrk >/dev/null || missing+=(wrk)
    command -v curl >/dev/null || missing+=(curl)
    # nginx lives in /usr/sbin, which is not on every user's PATH.
    nginx=$(command -v nginx || echo /usr/sbin/nginx)
    [[ -x $nginx ]] || missing+=(nginx-light)
    for pair in "$@"; do
        command -v "${pair%%=*}" >/dev/null || missing+=("${pair#*=}")
    done
    if ((${#missing[@]} > 0)); then
        if ((EUID != 0)); then
            echo "$0 needs: ${missing[*]} (apt-get install ${missing[*]})" >&2
            exit 2
        fi
        apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
        nginx=$(command -v nginx || echo /usr/sbin/nginx)
    fi
}

# Builds tokengate in release mode (in SWIFT_SCRATCH when set) and sets tokengate.
build_tokengate() {
    local -a scratch=()
    if [[ -n ${SWIFT_SCRATCH:-} ]]; then scratch=(--scratch-path "$SWIFT_SCRATCH"); fi
    swift build -c release "${scratch[@]}" --product tokengate >&2
    tokengate="$(swift build -c release "${scratch[@]}" --show-bin-path)/tokengate"
}

# Sets `port` to a TCP port that no socket on this host uses, below the ephemeral range so
# that no outgoing connection takes it before we bind it. Run in this shell (not in $(...))
# so that `chosen` remembers earlier picks.
declare -A chosen=()
pick_port() {
    local low high address hex
    local -A used=()
    read -r low high </proc/sys/net/ipv4/ip_local_port_range
    while read -r _ address _; do
        hex=${address##*:}
        [[ $hex =~ ^[0-9A-Fa-f]+$ ]] && used[$((16#$hex))]=1
    done < <(cat /proc/net/tcp /proc/net/tcp6 2>/dev/null)
    while true; do
        port=$((10000 + RANDOM % (low - 10000)))
        [[ -z ${used[$port]:-} && -z ${chosen[$port]:-} ]] && break
    done
    chosen[$port]=1
}

# Settings every nginx instance shares; temp paths inside their prefix, not /var/lib/nginx.
nginx_common="
    access_log off;
    keepalive_requests 1000000;
    keepalive_timeout 65s;
    proxy_temp_path proxy_temp;
    fastcgi_temp_path fastcgi_temp;
    uwsgi_temp_path uwsgi_temp;
    scgi_temp_path scgi_temp;"

# Waits until PORT answers "/" with 200, or fails naming LOG, while PID still lives.
await_ready() {
    local name=$1 pid=$2 port=$3 log=$4 tries
    for ((tries = 0; tries < 100; tries++)); do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "$name exited during start; $log:" >&2
            tail -n 20 "$log" >&2
            exit 1
        fi
        curl -fsS -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "$name does not answer on 127.0.0.1:$port; $log:" >&2
    tail -n 20 "$log" >&2
    exit 1
}

# The PIDs of PARENT's children, read from /proc (nginx's workers).
children_of() {
    local stat fields
    for stat in /proc/[0-9]*/stat; do
        read -r fields 2>/dev/null <"$stat" || continue
        fields=${fields##*) }
        # After "pid (comm) ", the state comes first and the parent PID second.
        [[ ${fields#* } == "$1 "* ]] && echo "${stat//[^0-9]/}"
    done
    return 0
}

# Starts the nginx of $work/NAME/nginx.conf and waits for PORT. `daemon off` keeps each
# master our child, so that $! is the PID to stop; it ends up last in `started`.
start_nginx() {
    local name=$1 port=$2
    "$nginx" -p "$work/$name" -c "$work/$name/nginx.conf" -e "$work/$name/error.log" \
        -g 'daemon off;' 2>>"$work/$name/error.log" &
    started+=($!)
    await_ready "nginx $name" "$!" "$port" "$work/$name/error.log"
}

# Summed user and system CPU time of PIDS, in clock ticks.
cpu_ticks() {
    local pid fields total=0
    local -a parts
    for pid in "$@"; do
        read -r fields 2>/dev/null <"/proc/$pid/stat" || continue
        read -r -a parts <<<"${fields##*) }"
        # utime and stime are fields 14 and 15 of stat, the 12th and 13th after the comm.
        total=$((total + parts[11] + parts[12]))
    done
    echo "$total"
}

# The median of the numbers in the words of $1.
median() {
    tr ' ' '\n' <<<"$1" | grep . | sort -g |
        awk '{ values[NR] = $1 } END { print values[int((NR + 1) / 2)] }'
}

# wrk prints latencies as 85.00us, 1.20ms, 2.00s or 1.00m: all to milliseconds. Prints
# "rate p50 p99 errors requests", errors being socket errors plus non-2xx/3xx answers.
parse_wrk() {
    awk '
        function ms(v) {
            if (v ~ /us$/) return v / 1000
            if (v ~ /ms$/) return v + 0
            if (v ~ /m$/) return v * 60000
            if (v ~ /s$/) return v * 1000
            return v + 0
        }
        $1 == "50%" { p50 = ms($2) }
        $1 == "99%" { p99 = ms($2) }
        /^Requests\/sec:/ { rate = $2 }
        / requests in / { requests = $1 }
        /Socket errors:/ { gsub(",", ""); errors += $4 + $6 + $8 + $10 }
        /Non-2xx or 3xx responses:/ { errors += $NF }
        END { printf "%s %.3f %.3f %d %d\n", rate, p50, p99, errors, requests }
    ' "$1"
}

# wrk against URL for DURATION seconds into OUTPUT; any further arguments go to wrk (a -s
# script and what follows it). wrk refuses fewer connections than threads: one connection
# runs one thread.
wrk_run() {
    local url=$1 connections=$2 duration=$3 output=$4
    shift 4
    local threads=$((connections < 2 ? connections : 2))
    tracked wrk -t"$threads" -c"$connections" -d"${duration}s" --latency "$url" "$@" \
        >"$output" 2>&1
}

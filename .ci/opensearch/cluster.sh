#!/usr/bin/env bash
# A local OpenSearch 2.19.1 cluster for gongkai's CI and experiments (see README.md).
#
#   cluster.sh start  [--mode runner|dist] [--nodes N] [--dir DIR] [--fresh] [--timeout S]
#                     [--http-port 9201] [--transport-port 9301]   (ports of node 1; node i: +i-1)
#   cluster.sh stop   [--dir DIR]
#   cluster.sh status [--dir DIR]
#   cluster.sh stop-node N | start-node N [--dir DIR]   (both modes)
#   cluster.sh kill-node N [--dir DIR]                  (dist mode: kill -9)
#
# Progress goes to stderr; `start` and `status` print one line on stdout,
#   GONGKAI_OPENSEARCH=http://127.0.0.1:9201,...
# Capture it in an assignment of its own, so that a failed start stops a set -e script
# (`export "$(cluster.sh start)"` would hide the failure):
#   line=$(cluster.sh start); export "$line"
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

mode=runner
nodes=3
dir=${GONGKAI_OPENSEARCH_DIR:-/tmp/gongkai-opensearch}
fresh=false
timeout=180
http_base=9201
transport_base=9301
cluster_name=gongkai
os_version=2.19.1
os_user=opensearch   # dist mode, when run as root: OpenSearch refuses to run as root
runner_heap=512m     # all nodes share one JVM
dist_heap=256m       # per node

log() { echo "cluster.sh: $*" >&2; }
die() {
	log "error: $*"
	exit 1
}

usage() {
	sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

# --- state -------------------------------------------------------------------

# The state file records what `start` chose, so every other command finds it.
state_file() { echo "$dir/state"; }

save_state() {
	mkdir -p "$dir"
	printf 'mode=%s\nnodes=%s\nhttp_base=%s\ntransport_base=%s\n' \
		"$mode" "$nodes" "$http_base" "$transport_base" >"$(state_file)"
}

load_state() {
	[ -f "$(state_file)" ] || return 1
	local key value
	while IFS='=' read -r key value; do
		case $key in
		mode) mode=$value ;;
		nodes) nodes=$value ;;
		http_base) http_base=$value ;;
		transport_base) transport_base=$value ;;
		esac
	done <"$(state_file)"
}

node_home() { echo "$dir/dist/node$1"; }

# pid_files lists the pid files of what `start` launched (they may not exist yet).
pid_files() {
	if [ "$mode" = runner ]; then
		echo "$dir/runner.pid"
	else
		local i
		for ((i = 1; i <= nodes; i++)); do echo "$(node_home "$i").pid"; done
	fi
}

pid_of() { if [ -f "$1" ]; then cat "$1"; fi; }

# Each node (or the runner JVM) leads a process group of its own (setsid), so signals
# go to the group: bin/opensearch runs short-lived Java helpers before it execs the node.

# group_alive PID: some process of PID's group is alive (not a zombie). Once a pid is
# known to be ours, waits use this: a JVM shutting down may show an empty command line.
group_alive() {
	ps -e -o pgid=,stat= | awk -v g="$1" '$1 == g && $2 !~ /^Z/ { found = 1 } END { exit !found }'
}

# running PIDFILE prints the pid when that process is alive and its command line
# names the folder the pid file belongs to (DIR/runner, DIR/dist/nodeI), so a stale
# pid file never makes us signal somebody else's process.
running() {
	local pid cmdline
	pid=$(pid_of "$1")
	[ -n "$pid" ] || return 1
	cmdline=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") || return 1
	[[ $cmdline == *"${1%.pid}"* ]] && echo "$pid"
}

urls() {
	local i out=""
	for ((i = 0; i < nodes; i++)); do out+="${out:+,}http://127.0.0.1:$((http_base + i))"; done
	echo "$out"
}

# health [PORT] prints "STATUS NODES" as seen by the node on PORT, or else by the
# first node that answers; "down 0" when none does.
health() {
	local port body
	for port in ${1:-$(seq "$http_base" $((http_base + nodes - 1)))}; do
		if body=$(curl -fsS -m 3 "http://127.0.0.1:$port/_cluster/health" 2>/dev/null); then
			echo "$(sed -n 's/.*"status":"\([a-z]*\)".*/\1/p' <<<"$body") $(sed -n 's/.*"number_of_nodes":\([0-9]*\).*/\1/p' <<<"$body")"
			return
		fi
	done
	echo "down 0"
}

rss_mb() {
	local f pid total=0 kb
	for f in $(pid_files); do
		if pid=$(running "$f"); then
			kb=$(ps -o rss= -p "$pid" | tr -d ' ')
			total=$((total + ${kb:-0}))
		fi
	done
	echo $((total / 1024))
}

# --- ports ---------------------------------------------------------------------

port_busy() {
	if command -v ss >/dev/null 2>&1; then
		[ -n "$(ss -Hltn "sport = :$1")" ]
	else
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
	fi
}

check_ports() {
	local p busy=""
	for p in "$@"; do
		if port_busy "$p"; then busy+=" $p"; fi
	done
	[ -z "$busy" ] || die "port(s)$busy already in use on 127.0.0.1; stop what holds them (ss -ltnp) or choose others (--http-port, --transport-port)"
}

node_ports() { echo "$((http_base + $1 - 1)) $((transport_base + $1 - 1))"; }

# --- artifacts -------------------------------------------------------------------

mvn_q() {
	local out
	if ! out=$(mvn -B -q -f "$here/pom.xml" -Dstyle.color=never "$@" 2>&1); then
		echo "$out" >&2
		die "maven failed: mvn $*"
	fi
}

fetch_runner() {
	mkdir -p "$dir"
	log "resolving the runner's classpath with Maven (cached in ~/.m2)"
	mvn_q dependency:build-classpath -Dmdep.outputFile="$dir/runner.classpath"
}

fetch_dist() {
	local zip="$dir/download/opensearch-$os_version.zip"
	if [ ! -f "$zip" ] || [ ! -f "$dir/download/analysis-common-$os_version.jar" ]; then
		log "fetching the OpenSearch $os_version distribution with Maven (cached in ~/.m2)"
		mvn_q dependency:copy@dist -Ddist.dir="$dir/download"
	fi
	echo "$zip"
}

# --- dist mode -------------------------------------------------------------------

ensure_user() {
	[ "$(id -u)" -eq 0 ] || return 0
	if ! id -u "$os_user" >/dev/null 2>&1; then
		log "creating system user $os_user (OpenSearch refuses to run as root)"
		useradd --system --no-create-home --shell /usr/sbin/nologin "$os_user"
	fi
}

prepare_dist_node() {
	local i=$1 zip=$2 home http transport seeds="" names="" j
	home=$(node_home "$i")
	read -r http transport <<<"$(node_ports "$i")"
	if [ ! -x "$home/bin/opensearch" ]; then
		rm -rf "$home" "$home.tmp"
		mkdir -p "$home.tmp"
		if command -v unzip >/dev/null 2>&1; then
			unzip -q "$zip" -d "$home.tmp"
		else
			(cd "$home.tmp" && jar xf "$zip") && chmod +x "$home.tmp"/*/bin/*
		fi
		mv "$home.tmp/opensearch-$os_version" "$home"
		rmdir "$home.tmp"
		# The module every real distribution has (whitespace tokenizer and more).
		mkdir -p "$home/modules/analysis-common"
		cp "$(dirname "$zip")/analysis-common-$os_version.jar" "$home/modules/analysis-common/"
		cat >"$home/modules/analysis-common/plugin-descriptor.properties" <<EOF
description=Adds "built in" analyzers to OpenSearch.
version=$os_version
name=analysis-common
classname=org.opensearch.analysis.common.CommonAnalysisPlugin
java.version=11
opensearch.version=$os_version
custom.foldername=
extended.plugins=
has.native.controller=false
EOF
	fi
	for ((j = 1; j <= nodes; j++)); do
		seeds+="${seeds:+, }\"127.0.0.1:$((transport_base + j - 1))\""
		names+="${names:+, }n$j"
	done
	mkdir -p "$home/data" "$home/logs"
	cat >"$home/config/opensearch.yml" <<EOF
# Written by cluster.sh; rewritten on every start.
cluster.name: $cluster_name
node.name: n$i
node.roles: [cluster_manager, data, ingest]
network.host: 127.0.0.1
http.port: $http
transport.port: $transport
discovery.seed_hosts: [$seeds]
cluster.initial_cluster_manager_nodes: [$names]
path.data: $home/data
path.logs: $home/logs
# A nearly full disk must not leave replicas unassigned on a CI machine.
cluster.routing.allocation.disk.threshold_enabled: false
EOF
	printf -- '-Xms%s\n-Xmx%s\n' "$dist_heap" "$dist_heap" >"$home/config/jvm.options.d/heap.options"
	if [ "$(id -u)" -eq 0 ]; then
		chown -R "$os_user:$os_user" "$home"
		setpriv --reuid="$os_user" --regid="$os_user" --init-groups -- test -w "$home/data" ||
			die "user $os_user cannot reach $home: every parent folder of --dir needs o+x (default --dir is under /tmp)"
	fi
}

launch_dist_node() {
	local i=$1 home java_home
	home=$(node_home "$i")
	java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
	local cmd=("$home/bin/opensearch")
	if [ "$(id -u)" -eq 0 ]; then
		cmd=(setpriv --reuid="$os_user" --regid="$os_user" --init-groups -- "${cmd[@]}")
	fi
	# A background subshell execs setsid, setpriv, bin/opensearch and finally java, none
	# of which forks: $! is the node's pid (and process group) from the first instant,
	# so `stop` can end it even if it never comes up.
	(
		cd "$home"
		export JAVA_HOME=$java_home OPENSEARCH_JAVA_HOME=$java_home
		exec setsid "${cmd[@]}" >"$home/logs/stdout.log" 2>&1 </dev/null
	) &
	echo $! >"$home.pid"
}

# --- runner mode -------------------------------------------------------------------

launch_runner() {
	local base="$dir/runner"
	mkdir -p "$base"
	rm -f "$base/control" "$base/control.out"
	(
		exec setsid java "-Xms$runner_heap" "-Xmx$runner_heap" -cp "$(cat "$dir/runner.classpath")" \
			"$here/RunnerCluster.java" "$base" "$cluster_name" "$nodes" "$http_base" "$transport_base" \
			>"$dir/runner.log" 2>&1 </dev/null
	) &
	echo $! >"$dir/runner.pid"
}

# runner_control sends "stop I" / "start I" to RunnerCluster and prints its answer.
runner_control() {
	local base="$dir/runner" waited=0 answer
	running "$dir/runner.pid" >/dev/null || die "the runner is not running"
	rm -f "$base/control.out"
	echo "$1" >"$base/control.tmp"
	mv "$base/control.tmp" "$base/control"
	while [ ! -f "$base/control.out" ]; do
		((waited++ < 600)) || die "no answer from the runner to '$1' within 60s"
		sleep 0.1
	done
	answer=$(cat "$base/control.out")
	log "runner: $answer"
	[[ $answer == ok* ]]
}

# --- waiting -------------------------------------------------------------------------

# wait_green [PORT]: until the cluster is green with all its nodes, as seen by the node
# on PORT (a restarted node: only once it has joined) or by any node; or timeout.
wait_green() {
	local want=$nodes start=$SECONDS status count last="" f
	while :; do
		read -r status count <<<"$(health "${1:-}")"
		if [ "$status" = green ] && [ "$count" -eq "$want" ]; then
			log "green with $count nodes after $((SECONDS - start))s"
			return 0
		fi
		for f in $(pid_files); do
			if ! running "$f" >/dev/null; then
				log "the process of $f is not running; see the logs under $dir"
				return 1
			fi
		done
		if ((SECONDS - start >= timeout)); then
			log "not green after ${timeout}s (status $status, $count/$want nodes)"
			return 1
		fi
		if [ "$status $count" != "$last" ] || (((SECONDS - start) % 10 == 0)); then
			log "waiting: $((SECONDS - start))s, status $status, $count/$want nodes"
			last="$status $count"
		fi
		sleep 1
	done
}

show_logs() {
	local f i
	if [ "$mode" = runner ]; then
		f="$dir/runner.log"
		[ -f "$f" ] && {
			log "--- last lines of $f"
			tail -n 30 "$f" >&2
		}
	else
		for ((i = 1; i <= nodes; i++)); do
			f="$(node_home "$i")/logs/stdout.log"
			[ -f "$f" ] && {
				log "--- last lines of $f"
				grep -E 'ERROR|Exception|WARN' "$f" | tail -n 10 >&2 || tail -n 10 "$f" >&2
			}
		done
	fi
	return 0
}

# --- commands --------------------------------------------------------------------------

cmd_start() {
	case $mode in runner | dist) ;; *) die "--mode must be runner or dist" ;; esac
	[[ $nodes =~ ^[1-9]$ ]] || die "--nodes must be 1..9"
	[[ $http_base =~ ^[0-9]+$ && $transport_base =~ ^[0-9]+$ ]] || die "ports must be numbers"
	[ -n "$dir" ] && [ "$dir" != / ] && [[ $dir != *[[:space:]]* ]] || die "bad --dir (empty, / or with spaces)"
	dir=$(mkdir -p "$dir" && cd "$dir" && pwd)

	# A subshell, so the old state does not replace this start's options.
	if (
		load_state || exit 1
		for f in $(pid_files); do if running "$f" >/dev/null; then exit 0; fi; done
		exit 1
	); then
		die "a cluster is already running from $dir (cluster.sh stop --dir $dir)"
	fi

	local ports=() i
	for ((i = 1; i <= nodes; i++)); do
		# shellcheck disable=SC2207
		ports+=($(node_ports "$i"))
	done
	check_ports "${ports[@]}"
	command -v java >/dev/null || die "java not found"
	command -v mvn >/dev/null || die "mvn not found"
	command -v curl >/dev/null || die "curl not found"

	if $fresh; then
		log "--fresh: removing the old node folders under $dir"
		rm -rf "$dir/runner" "$dir/dist"
	fi
	save_state
	local began=$SECONDS
	# From here on, any failure or interruption stops whatever was launched.
	trap 'show_logs; log "start failed; stopping what was started"; cmd_stop' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM

	if [ "$mode" = runner ]; then
		fetch_runner
		log "starting $nodes nodes in one JVM (heap $runner_heap), logs in $dir/runner.log"
		launch_runner
	else
		local zip
		zip=$(fetch_dist)
		ensure_user
		for ((i = 1; i <= nodes; i++)); do prepare_dist_node "$i" "$zip"; done
		for ((i = 1; i <= nodes; i++)); do
			log "starting node n$i (heap $dist_heap), logs in $(node_home "$i")/logs"
			launch_dist_node "$i"
		done
	fi

	wait_green
	trap - EXIT INT TERM
	log "$mode cluster up in $((SECONDS - began))s, RSS $(rss_mb) MB"
	echo "GONGKAI_OPENSEARCH=$(urls)"
}

cmd_stop() {
	if ! load_state; then
		log "nothing to stop in $dir"
		return 0
	fi
	local f pid pids="" left waited=0
	for f in $(pid_files); do
		if pid=$(running "$f"); then
			kill -TERM -- "-$pid" 2>/dev/null || true
			pids+=" $pid"
		fi
	done
	# Give the nodes 30 s to close cleanly, then kill what is left.
	while :; do
		left=""
		for pid in $pids; do if group_alive "$pid"; then left+=" $pid"; fi; done
		[ -n "$left" ] || break
		if ((waited++ >= 300)); then
			log "still running after 30s, sending SIGKILL to the groups of:$left"
			for pid in $left; do kill -KILL -- "-$pid" 2>/dev/null || true; done
			sleep 1
			break
		fi
		sleep 0.1
	done
	for f in $(pid_files); do rm -f "$f"; done
	rm -f "$(state_file)"
	log "stopped ($mode, $dir)"
}

cmd_status() {
	load_state || {
		log "no cluster started from $dir"
		return 1
	}
	local f pid status count
	for f in $(pid_files); do
		if pid=$(running "$f"); then log "$(basename "$f" .pid): pid $pid running"; else log "$(basename "$f" .pid): not running"; fi
	done
	read -r status count <<<"$(health)"
	log "$mode cluster: status $status, $count/$nodes nodes, RSS $(rss_mb) MB"
	[ "$status" != down ] || return 1
	echo "GONGKAI_OPENSEARCH=$(urls)"
}

node_arg() {
	[[ ${1:-} =~ ^[1-9]$ ]] || die "want a node number"
	load_state || die "no cluster started from $dir"
	((${1} <= nodes)) || die "node $1 does not exist (the cluster has $nodes)"
}

cmd_stop_node() {
	local i=$1 f pid waited=0
	if [ "$mode" = runner ]; then
		runner_control "stop $i"
		return
	fi
	f=$(node_home "$i").pid
	pid=$(running "$f") || {
		log "n$i is not running"
		return 0
	}
	kill -TERM -- "-$pid"
	while group_alive "$pid"; do
		((waited++ < 300)) || die "n$i still running 30s after SIGTERM"
		sleep 0.1
	done
	log "n$i stopped"
}

cmd_kill_node() {
	local i=$1 f pid
	[ "$mode" = dist ] || die "kill-node needs --mode dist (runner nodes share one JVM); use stop-node"
	f=$(node_home "$i").pid
	pid=$(running "$f") || die "n$i is not running"
	kill -KILL -- "-$pid"
	while group_alive "$pid"; do sleep 0.05; done
	log "n$i (pid $pid) killed with SIGKILL at $(date +%T.%N | cut -c1-12)"
}

cmd_start_node() {
	local i=$1
	if [ "$mode" = runner ]; then
		runner_control "start $i"
	else
		! running "$(node_home "$i").pid" >/dev/null || die "n$i is already running"
		# shellcheck disable=SC2046
		check_ports $(node_ports "$i")
		launch_dist_node "$i"
	fi
	log "n$i starting; waiting until it has joined and the cluster is green"
	wait_green "$((http_base + i - 1))"
}

# --- main ----------------------------------------------------------------------------

[ $# -ge 1 ] || usage
command=$1
shift
node=""
case $command in stop-node | start-node | kill-node)
	node=${1:-}
	shift || true
	;;
esac
while [ $# -gt 0 ]; do
	case $1 in
	--mode) mode=${2:?--mode needs a value} && shift ;;
	--nodes) nodes=${2:?--nodes needs a value} && shift ;;
	--dir) dir=${2:?--dir needs a value} && shift ;;
	--timeout) timeout=${2:?--timeout needs a value} && shift ;;
	--http-port) http_base=${2:?--http-port needs a value} && shift ;;
	--transport-port) transport_base=${2:?--transport-port needs a value} && shift ;;
	--fresh) fresh=true ;;
	-h | --help) usage ;;
	*) die "unknown argument: $1" ;;
	esac
	shift
done
if [ -d "$dir" ]; then dir=$(cd "$dir" && pwd); fi

case $command in
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
stop-node) node_arg "$node" && cmd_stop_node "$node" ;;
start-node) node_arg "$node" && cmd_start_node "$node" ;;
kill-node) node_arg "$node" && cmd_kill_node "$node" ;;
*) usage ;;
esac

# Helpers the benchmark scripts share (sourced; they define die and log first).

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_service BIN CONFIG BASE LOG: starts `BIN --config CONFIG serve`, sets SERVICE_PID, and
# waits up to 60 s for BASE/readyz.
start_service() {
    NO_COLOR=1 "$1" --config "$2" serve >"$4" 2>&1 &
    SERVICE_PID=$!
    local i
    for i in $(seq 600); do
        kill -0 "$SERVICE_PID" 2>/dev/null || die "the service exited at start"
        curl -sf -o /dev/null --max-time 2 "$3/readyz" && return
        sleep 0.1
    done
    die "the service was not ready within 60 s"
}

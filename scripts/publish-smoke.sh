#!/usr/bin/env bash
# Publishes the self-contained single-file server and proves it runs without the .NET SDK or runtime: the executable
# starts with an empty environment (no DOTNET_ROOT, a PATH without dotnet) in a fresh data directory and answers
# common.version() over XML-RPC.
#
#   scripts/publish-smoke.sh [--publish-only] [output-dir]      (default: a temporary folder, removed afterwards)
#
# --publish-only stops after publishing (the test suite's PublishedServerTests run the executable themselves).
# Publishing restores the linux-x64 runtime packs and builds a copy of the sources in a temporary folder; the working
# tree is only read.
set -euo pipefail
cd "$(dirname "$0")/.."

publish_only=false
if [[ "${1:-}" == "--publish-only" ]]; then
  publish_only=true
  shift
fi
out=${1:-}
work=$(mktemp -d)
trap 'if [[ -n "${pid:-}" ]]; then kill "$pid" 2>/dev/null || true; fi; rm -rf "$work"' EXIT
[[ -n "$out" ]] || out="$work/publish"

log() { echo "publish-smoke: $*" >&2; }

log "publishing to $out"
# From a copy of the sources: a runtime-specific restore rewrites packages.lock.json files (they describe the portable
# restore CI checks) and obj/ folders, which other builds of this tree must not see change under them.
mkdir -p "$work/src"
sources=(src Directory.Build.props Directory.Packages.props global.json .editorconfig)
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git ls-files -co --exclude-standard -- "${sources[@]}"
else
  # An exported tree (no .git): everything but build output.
  find "${sources[@]}" -type f -not -path '*/bin/*' -not -path '*/obj/*'
fi | tar -c -T - | tar -x -C "$work/src"
start=$(date +%s)
# The sources were already built and analysed with warnings as errors; the publish only needs the code, so analyzers,
# XML docs and symbols are skipped, which saves about a third of the time on two cores. The lock files describe the
# portable restore (CI checks them in locked mode, CI=true); a linux-x64 restore necessarily differs, and only this
# temporary copy's lock files see it, so locked mode is off here.
dotnet publish "$work/src/src/SaasPortal.Server" -c Release -r linux-x64 --self-contained -p:PublishSingleFile=true \
  -p:RestoreLockedMode=false -p:RunAnalyzers=false -p:GenerateDocumentationFile=false -p:DebugType=none \
  -p:TreatWarningsAsErrors=false -o "$out" >&2
log "published in $(( $(date +%s) - start )) s"

[[ -x "$out/saasportal" ]] || { log "no executable at $out/saasportal"; exit 1; }
[[ -f "$out/addons/base/__manifest__.json" ]] || { log "the built-in addons are not beside the executable"; exit 1; }
[[ -f "$out/addons/saas_portal/__manifest__.json" ]] || { log "the SaaS addons are not beside the executable"; exit 1; }
size=$(du -sm "$out/saasportal" | cut -f1)
log "executable: ${size} MB, $(find "$out" -type f | wc -l) files in the folder"
if [[ "$publish_only" == true ]]; then
  exit 0
fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$work/data"
# A clean machine: nothing but a PATH without dotnet, HOME, and the working directory.
(cd "$work/data" && exec env -i PATH=/nonexistent HOME="$work" "$out/saasportal" serve --urls "http://127.0.0.1:$port" --data-dir "$work/data") \
  >"$work/server.log" 2>&1 &
pid=$!

if ! python3 - "$port" <<'PY'
import sys, time, xmlrpc.client
url = 'http://127.0.0.1:%s/xmlrpc/2/common' % sys.argv[1]
deadline = time.time() + 120
while True:
    try:
        version = xmlrpc.client.ServerProxy(url).version()
        break
    except (ConnectionError, OSError):
        if time.time() > deadline:
            sys.exit('publish-smoke: the published server did not answer within 120 s')
        time.sleep(0.5)
assert version['server_version'], version
print('publish-smoke: version() = %r' % version, file=sys.stderr)
PY
then
  cat "$work/server.log" >&2
  exit 1
fi
log "ok"

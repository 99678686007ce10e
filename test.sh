#!/usr/bin/env bash
# Runs every test of the solution and ends with one summary line: "N passed, N failed, N skipped".
#
# PostgreSQL: uses SAASPORTAL_TEST_PG when set; otherwise starts the throwaway cluster of scripts/test-postgres.sh
# (installing PostgreSQL when missing) and exports its connection string for the tests.
# PgBouncer: scripts/test-pgbouncer.sh puts one in transaction mode in front of it (installing Debian's package);
# the PostgreSQL half of the ORM conformance suite runs a second time through it, after the whole solution.
# CI=true: restores in locked mode (lock files must match) and builds in Release.
set -euo pipefail
cd "$(dirname "$0")"

if [[ -z "${SAASPORTAL_TEST_PG:-}" ]]; then
  SAASPORTAL_TEST_PG="$(scripts/test-postgres.sh)"
  export SAASPORTAL_TEST_PG
fi

# The web tests drive Debian's Chromium headless (Playwright's own browser download does not work here).
if ! command -v chromium >/dev/null 2>&1; then
  if ! { apt-get install -y chromium >&2 || { apt-get update >&2 && apt-get install -y chromium >&2; }; }; then
    echo "test.sh: cannot install chromium for the web tests" >&2
    echo "0 passed, 1 failed, 0 skipped"
    exit 1
  fi
fi

# The cluster tests put Debian's nginx in front of several serve nodes (run as the test user, config in a temp dir).
if [[ ! -x /usr/sbin/nginx ]]; then
  if ! { apt-get install -y nginx >&2 || { apt-get update >&2 && apt-get install -y nginx >&2; }; }; then
    echo "test.sh: cannot install nginx for the cluster tests" >&2
    echo "0 passed, 1 failed, 0 skipped"
    exit 1
  fi
fi

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
configuration=Debug
restore=(dotnet restore SaasPortal.slnx)
if [[ "${CI:-}" == "true" ]]; then
  configuration=Release
  restore+=(--locked-mode)
fi
# A project that does not restore or build fails the run, and CI still gets its summary line.
if ! "${restore[@]}" || ! dotnet build SaasPortal.slnx --configuration "$configuration" --no-restore; then
  echo "test.sh: restore or build failed" >&2
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT

# Each test project writes an xunit XML report; the summary line is counted from them, not from console text.
set +e
dotnet test --solution SaasPortal.slnx --configuration "$configuration" --no-build \
  --results-directory "$results" --report-xunit-xml
status=$?

# The ORM conformance suite on PostgreSQL again, every tenant connection through PgBouncer in transaction mode.
if pooler="$(scripts/test-pgbouncer.sh "$SAASPORTAL_TEST_PG")"; then
  mkdir -p "$results/pgbouncer"
  SAASPORTAL_TEST_PG_POOLER="$pooler" "tests/SaasPortal.Orm.Tests/bin/$configuration/net10.0/SaasPortal.Orm.Tests" \
    -class "SaasPortal.Orm.Tests.Postgres*" -xml "$results/pgbouncer/orm-through-pgbouncer.xml" || status=1
else
  echo "test.sh: cannot start PgBouncer for the ORM suite's second run" >&2
  status=1
fi
set -e

python3 - "$results" "$status" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
results, status = sys.argv[1], int(sys.argv[2])
passed = failed = skipped = 0
reports = glob.glob(results + '/**/*.xml', recursive=True)
for path in reports:
    for assembly in ET.parse(path).getroot().iter('assembly'):
        if int(assembly.get('total', 0)) == 0:
            # A filter that matched nothing (or a project with no test) proves nothing.
            failed += 1
            print('test.sh: %s ran no test' % path, file=sys.stderr)
        passed += int(assembly.get('passed', 0))
        failed += int(assembly.get('failed', 0)) + int(assembly.get('errors', 0) or 0)
        skipped += int(assembly.get('skipped', 0)) + int(assembly.get('not-run', 0) or 0)
if status != 0 and failed == 0:
    # A test host that crashed or a project that ran no test writes no failing case; it is a failure all the same.
    failed = 1
    print('test.sh: dotnet test exited with %d without a failing test in the reports' % status, file=sys.stderr)
if not reports:
    failed = max(failed, 1)
    print('test.sh: no test report was written', file=sys.stderr)
print('%d passed, %d failed, %d skipped' % (passed, failed, skipped))
sys.exit(1 if failed else 0)
PY


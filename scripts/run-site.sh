#!/usr/bin/env bash
# Installs what is missing (idempotently), builds, and starts LabSite on http://127.0.0.1:5000
# with the labs in content/labs. Extra arguments go to `labsite serve` (e.g. --urls, --data).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/as-root.sh
scripts/setup.sh site
dotnet build src/LabSite.Cli -c Release -nologo -v quiet
exec dotnet src/LabSite.Cli/bin/Release/net10.0/labsite.dll serve --urls http://127.0.0.1:5000 --content content --data .data "$@"

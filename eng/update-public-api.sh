#!/usr/bin/env bash
# Brings each package's PublicAPI.Unshipped.txt in line with its code: adds every public symbol not yet declared
# (RS0016) and removes every declared one that is gone (RS0017; a shipped one is marked *REMOVED*). 0.1.0 shipped
# everything in PublicAPI.Shipped.txt: at a release, move the Unshipped lines there. Review the diff: each line is a public API promise.
# Usage: eng/update-public-api.sh [project.csproj ...]   (default: every packed project)
set -euo pipefail
cd "$(dirname "$0")/.."
projects=("$@")
if [ ${#projects[@]} -eq 0 ]; then
  projects=(src/Runtime/TaskProtection.csproj src/EcsApi/TaskProtection.EcsApi.csproj src/Testing/TaskProtection.Testing.csproj src/Integrations/*/*.csproj)
fi
for project in "${projects[@]}"; do
  [ -f "$project" ] || continue
  dir=$(dirname "$project")
  log=$(dotnet build "$project" --no-incremental -nologo -p:TreatWarningsAsErrors=false 2>&1 | grep -E "\[.*$(basename "$project")\]" || true)
  added=$(grep -oE "RS0016: Symbol '.*' is not part of the declared public API" <<<"$log" \
    | sed -E "s/^RS0016: Symbol '(.*)' is not part of the declared public API/\1/" | sort -u || true)
  removed=$(grep -oE "RS0017: Symbol '.*' is part of the declared API" <<<"$log" \
    | sed -E "s/^RS0017: Symbol '(.*)' is part of the declared API/\1/" | sort -u || true)
  [ -z "$added" ] && [ -z "$removed" ] && continue
  # A removed symbol that was only unshipped just goes; one that shipped is marked *REMOVED* (a breaking change to review).
  shipped_removed=$(grep -xF -f <(printf '%s\n' "$removed") "$dir/PublicAPI.Shipped.txt" | sed 's/^/*REMOVED*/' || true)
  { grep -v '^#nullable enable$' "$dir/PublicAPI.Unshipped.txt" | grep -vxF -f <(printf '%s\n' "$removed") || true; printf '%s\n' "$added" "$shipped_removed"; } \
    | grep -v '^$' | sort -u | { echo '#nullable enable'; cat; } > "$dir/.public-api-all"
  mv "$dir/.public-api-all" "$dir/PublicAPI.Unshipped.txt"
  echo "$project: $(grep -c . <<<"$added" || true) added, $(grep -c . <<<"$removed" || true) removed"
done

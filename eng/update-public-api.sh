#!/usr/bin/env bash
# Adds every public symbol that is not yet declared (RS0016) to the project's PublicAPI.Unshipped.txt.
# Review the diff: each added line is a public API promise. Usage: eng/update-public-api.sh
set -euo pipefail
cd "$(dirname "$0")/.."
for project in src/Runtime/TaskProtection.csproj src/Testing/TaskProtection.Testing.csproj src/Integrations/*/*.csproj; do
  dir=$(dirname "$project")
  dotnet build "$project" --no-incremental -nologo -p:TreatWarningsAsErrors=false 2>&1 \
    | grep -oE "RS0016: Symbol '.*' is not part of the declared public API .*\[.*$(basename "$project")\]" \
    | sed -E "s/^RS0016: Symbol '(.*)' is not part of the declared public API .*/\1/" \
    | sort -u > "$dir/.public-api-new" || true
  if [ -s "$dir/.public-api-new" ]; then
    { cat "$dir/PublicAPI.Unshipped.txt"; cat "$dir/.public-api-new"; } | grep -v '^#nullable enable$' | sort -u \
      | { echo '#nullable enable'; cat; } > "$dir/.public-api-all"
    mv "$dir/.public-api-all" "$dir/PublicAPI.Unshipped.txt"
    echo "$project: $(wc -l < "$dir/.public-api-new") symbols added to PublicAPI.Unshipped.txt"
  fi
  rm -f "$dir/.public-api-new"
done

#!/usr/bin/env bash
# Build cost of the generator and analyzers on a generated project of N critical methods (default 2,000).
# Usage: benchmarks/BuildCost/measure.sh [N]
# Prints the per-analyzer and per-generator times that `-p:ReportAnalyzer=true` reports, and wall times for a
# build with and without them (the fastest of BUILD_COST_RUNS interleaved builds each, default 3), with a compiler
# process per build (wall and CPU time) and with the compiler server, and the bytes the compiler allocates for each
# (Allocations/, in one process). With BUILD_COST_SHAPES=1 it also prints what other shapes of wrapper would cost the
# compiler, written as plain files (about 2 more minutes). Needs the .NET SDK, bc and /usr/bin/time.
set -euo pipefail
count="${1:-2000}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

dotnet build "$root/src/Runtime/TaskProtection.csproj" -c Release -v:q -nologo >/dev/null

mkdir -p "$work/Consumer"
cat > "$work/Consumer/Consumer.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
    <NoWarn>\$(NoWarn);TP0005</NoWarn>
  </PropertyGroup>
  <ItemGroup>
    <Reference Include="$root/src/Runtime/bin/Release/net10.0/TaskProtection.dll" />
    <Analyzer Include="$root/src/Generators/bin/Release/netstandard2.0/TaskProtection.Generators.dll" Condition="'\$(WithTaskProtection)' != 'false'" />
    <Analyzer Include="$root/src/Analyzers/bin/Release/netstandard2.0/TaskProtection.Analyzers.dll" Condition="'\$(WithTaskProtection)' != 'false'" />
  </ItemGroup>
  <ItemGroup>
    <Compile Remove="Stubs/**" />
    <Compile Include="Stubs/*.cs" Condition="'\$(WithTaskProtection)' == 'false'" />
  </ItemGroup>
</Project>
XML

# 20 classes of N/20 critical methods each, every shape the analyzers look at: awaits, loops with exits, direct calls.
mkdir -p "$work/Consumer/Stubs"
per=$(( (count + 19) / 20 ))
for c in $(seq 1 20); do
  {
    echo "using TaskProtection;"
    echo "namespace Consumer;"
    echo "public partial class Worker$c"
    echo "{"
    for m in $(seq 1 "$per"); do
      echo "    [CriticalSection] public partial Task<int> Job${m}Async(int n, CancellationToken ct);"
      echo "    private async Task<int> Job${m}CoreAsync(int n, CancellationToken ct)"
      echo "    {"
      echo "        while (true) { await Task.Delay(1, ct); if (n-- < 0) { break; } }"
      echo "        return n;"
      echo "    }"
      echo "    public async Task<int> Call${m}Async(CancellationToken ct) => await Job${m}Async(1, ct) + await Job${m}Async(2, ct).ConfigureAwait(false);"
    done
    echo "}"
  } > "$work/Consumer/Worker$c.cs"
  {
    # Without the generator the partial declarations need bodies: stand-ins of the same size.
    echo "namespace Consumer;"
    echo "public partial class Worker$c"
    echo "{"
    for m in $(seq 1 "$per"); do
      echo "    public partial Task<int> Job${m}Async(int n, CancellationToken ct) => Job${m}CoreAsync(n, ct);"
    done
    echo "}"
  } > "$work/Consumer/Stubs/Worker$c.cs"
done

cd "$work/Consumer"
dotnet restore -v:q -nologo >/dev/null
build() {
  local log
  if ! log=$(dotnet build --no-restore -nologo -v:q "$@" 2>&1); then echo "$log" >&2; exit 1; fi
}

# Prints the build's wall time and the CPU time of the build and the processes it waited for (with a compiler process
# per build, the compiler; the compiler server is no child, so its CPU time is not seen). CPU time does not count the
# time the machine gave to others, which on a shared machine moves wall times by a fifth from one run to the next.
timed() {
  local log
  if ! log=$(/usr/bin/time -f '%e %U %S' -o "$work/time" dotnet build --no-restore -nologo -v:q "$@" 2>&1); then
    echo "$log" >&2; exit 1
  fi
  read -r wall user system < "$work/time"
  echo "$wall $(echo "$user + $system" | bc)"
}
min() { if (( $(echo "$1 < $2" | bc) )); then echo "$1"; else echo "$2"; fi; }

# Twice: with a fresh compiler process per build (UseSharedCompilation=false, as on CI machines that set it) and with
# the compiler server that `dotnet build` uses by default, warm. The server keeps the generator and analyzers loaded and
# jitted, so its ratio shows what the generated code and the analyzers' work cost on their own.
runs="${BUILD_COST_RUNS:-3}"
echo "critical methods: $((per * 20)); fastest of $runs interleaved full builds each"
for shared in false true; do
  build -p:UseSharedCompilation=$shared -p:WithTaskProtection=false      # warm up (the server, when there is one)
  build -p:UseSharedCompilation=$shared                                   # and the generator and analyzers
  # Interleaved, the fastest of each: a single pair was seen to vary by a third from one run to the next on a shared
  # machine, which no change to the generator could be told apart from.
  without=1000000; with=1000000; without_cpu=1000000; with_cpu=1000000
  for _ in $(seq 1 "$runs"); do
    read -r wall cpu <<< "$(timed -p:UseSharedCompilation=$shared -p:WithTaskProtection=false --no-incremental)"
    [[ -n $cpu ]] || exit 1
    without=$(min "$without" "$wall"); without_cpu=$(min "$without_cpu" "$cpu")
    read -r wall cpu <<< "$(timed -p:UseSharedCompilation=$shared --no-incremental)"
    [[ -n $cpu ]] || exit 1
    with=$(min "$with" "$wall"); with_cpu=$(min "$with_cpu" "$cpu")
  done
  if [[ $shared == true ]]; then
    printf 'compiler server: without TaskProtection %.2f s, with generator + analyzers %.2f s, ratio %.2f\n' \
      "$without" "$with" "$(echo "$with / $without" | bc -l)"
  else
    printf 'a compiler process per build: without TaskProtection %.2f s, with generator + analyzers %.2f s, ratio %.2f\n' \
      "$without" "$with" "$(echo "$with / $without" | bc -l)"
    printf '  CPU time of the same builds: without %.2f s, with %.2f s, ratio %.2f\n' \
      "$without_cpu" "$with_cpu" "$(echo "$with_cpu / $without_cpu" | bc -l)"
  fi
done
echo "// edited" >> Worker1.cs
start=$(date +%s.%N); build -p:UseSharedCompilation=true; incremental=$(echo "$(date +%s.%N) - $start" | bc)
printf 'incremental build after editing one file (compiler server): %.2f s\n' "$incremental"
# The bytes the compiler allocates do not move with the machine's load: the same build allocates the same every run.
dotnet_root="$(dirname "$(readlink -f "$(command -v dotnet)")")"
references="$(ls -d "$dotnet_root"/packs/Microsoft.NETCore.App.Ref/10.*/ref/net10.0 | sort -V | tail -n 1)"
sdk_analyzers="$dotnet_root/sdk/$(dotnet --version)/Sdks/Microsoft.NET.Sdk/analyzers"
dotnet run -c Release --project "$root/benchmarks/BuildCost/Allocations" -- "$work/Consumer" "$references" \
  "$root/src/Runtime/bin/Release/net10.0/TaskProtection.dll" \
  "$root/src/Generators/bin/Release/netstandard2.0/TaskProtection.Generators.dll" \
  "$root/src/Analyzers/bin/Release/netstandard2.0/TaskProtection.Analyzers.dll" \
  "$sdk_analyzers/Microsoft.CodeAnalysis.NetAnalyzers.dll" "$sdk_analyzers/Microsoft.CodeAnalysis.CSharp.NetAnalyzers.dll" \
  ${BUILD_COST_SHAPES:+--shapes}
echo "per-component time reported by the compiler (-p:ReportAnalyzer=true):"
dotnet build --no-restore --no-incremental -nologo -v:d -p:UseSharedCompilation=false -p:ReportAnalyzer=true 2>/dev/null \
  | grep -E 'TaskProtection\.(Analyzers|Generators)|Total (analyzer|generator) execution time' | grep -v 'csc ' | sed -E 's/^ +//' | sort -u

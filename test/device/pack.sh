#!/usr/bin/env bash
# Build .device-bundle/ for the GPU machine with only what test/device/gpuCheck.ts needs: Node, the production
# dependency closure (plus onnx-proto for the test fixtures), the Vulkan/GL loaders and the shared helpers.
# ../shared/device/pack.sh takes all of node_modules minus a list, which passes the device tool's 64 MiB limit
# (tree included) once the release tooling (electron-builder and its Windows installers) is installed.
# Usage, from the repo root: bash test/device/pack.sh
# Then: run with carry [".device-bundle"] and
#   source .device-bundle/bootstrap.sh && ESBUILD_BINARY_PATH=$PWD/node_modules/esbuild/bin/esbuild node --import tsx test/device/gpuCheck.ts
set -uo pipefail
root=$(git rev-parse --show-toplevel) && cd "$root" || exit 1
helpers=$(cd .. && pwd)/shared/device
b=.device-bundle
rm -rf "$b" && mkdir -p "$b/gl"
grep -qx '/.device-bundle/' .git/info/exclude 2>/dev/null || echo '/.device-bundle/' >> .git/info/exclude

strip -o /tmp/node.stripped "$(command -v node)" && xz -T2 -6 -c /tmp/node.stripped > "$b/node.xz"

# Package folders: npm's production tree, onnx-proto's, and tsx (a dependency) brings esbuild's JS API.
# `npm ls onnx-proto` names only the path to it, not what it needs: its dependency closure is walked here.
closure() {
  node -e '
    const path = require("node:path"), { createRequire } = require("node:module");
    const seen = new Set(), todo = [[process.argv[1], process.cwd()]];
    while (todo.length) {
      const [name, from] = todo.pop();
      let pkg;
      try { pkg = createRequire(path.join(from, "x.js")).resolve(name + "/package.json"); } catch { continue; }
      const dir = path.dirname(pkg);
      if (seen.has(dir)) continue;
      seen.add(dir);
      for (const d of Object.keys(require(pkg).dependencies ?? {})) todo.push([d, dir]);
    }
    console.log([...seen].join("\n"));
  ' "$1"
}
{ npm ls --omit=dev --all --parseable; closure onnx-proto; } 2>/dev/null |
  grep '/node_modules/' | sed "s#^$root/##" | sort -u > /tmp/device-packages.txt
# Their files, without nested node_modules (listed on their own), other platforms' binaries, protobufjs's CLI,
# and @esbuild/* (node_modules/esbuild/bin/esbuild is the same binary: point ESBUILD_BINARY_PATH at it).
while read -r p; do find "$p" -path "$p/node_modules" -prune -o ! -type d -print; done < /tmp/device-packages.txt |
  grep -Ev 'onnxruntime-node/bin/napi-v[0-9]+/(darwin|win32|linux/arm64)|koffi-linux-x64/musl_x64|protobufjs/cli|@esbuild/|koffi/build/koffi/(darwin|win32|freebsd|openbsd|linux_(arm|ia32|riscv|loong))' \
    > /tmp/device-files.txt
tar -cf - -T /tmp/device-files.txt | xz -T2 -3 > "$b/payload.tar.xz"

# The Vulkan and GL loaders: the WebGPU execution provider reaches the NVIDIA GPU through Vulkan.
o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64-lists'
mkdir -p /tmp/amd64-lists/partial
apt-get $o update > /dev/null 2>&1
(cd "$b/gl" && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2 > /dev/null 2>&1)
cp "$helpers/bootstrap.sh" "$helpers/ballast.py" "$helpers/gen_big.py" "$b/"
du -sh "$b"

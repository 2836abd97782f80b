import { closeSync, openSync, readSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** Names native code is shipped under: Node addons and shared libraries (libfoo.so.1 included). */
const NATIVE_NAME = /\.(node|so|dylib|dll|exe)$|\.so\.\d+(\.\d+)*$/;

/** Leading bytes of executables and libraries: ELF, Mach-O (32/64, both byte orders, fat), PE ("MZ"). */
const MAGIC: readonly Buffer[] = [
  Buffer.from([0x7f, 0x45, 0x4c, 0x46]),
  Buffer.from([0xfe, 0xed, 0xfa, 0xce]),
  Buffer.from([0xfe, 0xed, 0xfa, 0xcf]),
  Buffer.from([0xce, 0xfa, 0xed, 0xfe]),
  Buffer.from([0xcf, 0xfa, 0xed, 0xfe]),
  Buffer.from([0xca, 0xfe, 0xba, 0xbe]),
  Buffer.from([0x4d, 0x5a]),
];

function startsWithMagic(file: string): boolean {
  const head = Buffer.alloc(4);
  const fd = openSync(file, 'r');
  try {
    const n = readSync(fd, head, 0, 4, 0);
    return MAGIC.some((m) => n >= m.length && head.subarray(0, m.length).equals(m));
  } finally {
    closeSync(fd);
  }
}

/**
 * Whether a file is native code: by name, or by its first bytes (an executable without an extension, such
 * as esbuild's binary). Java class files share Mach-O fat's 0xCAFEBABE; none ship in our dependencies, and
 * a false positive only asks for an unneeded unpack rule.
 */
export function isNativeFile(file: string): boolean {
  return NATIVE_NAME.test(path.basename(file)) || startsWithMagic(file);
}

/** Every native file under a package folder, skipping nested node_modules (those are packages of their own). */
export function nativeFilesIn(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') out.push(...nativeFilesIn(full));
    } else if (entry.isFile() && isNativeFile(full)) out.push(full);
  }
  return out;
}

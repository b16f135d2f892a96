/**
 * Wheels built entry by entry for hostile-input tests: any name (`../x`, `/abs`, duplicates),
 * Unix modes (symlinks, executables), a CRC-32 or sizes that lie, and a RECORD that is right,
 * missing or wrong. `buildWheel` (fflate) cannot make these: it keys entries by name and always
 * writes honest headers.
 *
 * ```ts
 * const wheel = buildHostileWheel("evil", "1.0", [
 *   { name: "evil/__init__.py", data: "x = 1\n" },
 *   { name: "../escape.py", data: "boom\n" },
 * ]);
 * ```
 *
 * @module
 */
import { deflateSync } from "fflate";
import { createHash } from "node:crypto";
import type { BuiltWheel } from "./build_wheel.ts";
import { crc32 } from "../../lib/zip/mod.ts";

/** One entry to write. */
export interface HostileEntry {
  name: string;
  data: string | Uint8Array;
  /** Unix mode (type and permissions), e.g. `0o100755`, `0o120777` (symlink). @default 0o100644 */
  mode?: number;
  /** Deflate it (method 8) instead of storing it. @default true */
  deflate?: boolean;
  /** A CRC-32 to write instead of the true one. */
  crc?: number;
  /** An uncompressed size to declare instead of the true one (central and local headers). */
  declaredSize?: number;
  /** A name for the local header, when it should disagree with the central directory. */
  localName?: string;
  /** Leave it out of the generated RECORD. @default false */
  unrecorded?: boolean;
  /** The RECORD hash to write for it instead of the true one (`sha256=...`). */
  recordHash?: string;
}

/** Options for {@linkcode buildHostileWheel}. */
export interface HostileWheelOptions {
  /** Add `{dist}-{version}.dist-info/RECORD` (and METADATA, WHEEL). @default true */
  record?: boolean;
}

function u16(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff];
}
function u32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

/** The RECORD hash of `data` (`sha256=<urlsafe base64, no padding>`). */
export function recordHashOf(data: Uint8Array): string {
  return "sha256=" + createHash("sha256").update(data).digest("base64url");
}

/** Builds a zip archive from `entries` exactly as given (see the module documentation). */
export function buildZip(entries: HostileEntry[]): Uint8Array {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  const central: number[][] = [];
  const names: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const data = typeof e.data === "string" ? enc.encode(e.data) : e.data;
    const deflate = e.deflate ?? true;
    const body = deflate ? deflateSync(data, { level: 6 }) : data;
    const crc = e.crc ?? crc32(data);
    const size = e.declaredSize ?? data.length;
    const name = enc.encode(e.name);
    const localName = enc.encode(e.localName ?? e.name);
    const common = [...u16(20), ...u16(0x800), ...u16(deflate ? 8 : 0), ...u16(0), ...u16(0x21)];
    const local = [
      ...u32(0x04034b50),
      ...common,
      ...u32(crc),
      ...u32(body.length),
      ...u32(size),
      ...u16(localName.length),
      ...u16(0),
    ];
    const mode = e.mode ?? 0o100644;
    central.push([
      ...u32(0x02014b50),
      ...u16((3 << 8) | 20),
      ...common,
      ...u32(crc),
      ...u32(body.length),
      ...u32(size),
      ...u16(name.length),
      ...u16(0),
      ...u16(0),
      ...u16(0),
      ...u16(0),
      ...u32(mode * 65536),
      ...u32(offset),
    ]);
    names.push(name);
    for (const p of [Uint8Array.from(local), localName, body]) {
      parts.push(p);
      offset += p.length;
    }
  }
  const cdOffset = offset;
  let cdSize = 0;
  central.forEach((c, i) => {
    parts.push(Uint8Array.from(c), names[i]!);
    cdSize += c.length + names[i]!.length;
  });
  parts.push(Uint8Array.from([
    ...u32(0x06054b50),
    ...u16(0),
    ...u16(0),
    ...u16(entries.length),
    ...u16(entries.length),
    ...u32(cdSize),
    ...u32(cdOffset),
    ...u16(0),
  ]));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let p = 0;
  for (const part of parts) {
    out.set(part, p);
    p += part.length;
  }
  return out;
}

/**
 * A wheel `{name}-{version}-py3-none-any.whl` holding `entries` plus (unless `record: false`) a
 * dist-info directory with METADATA, WHEEL and a RECORD of every entry (true hashes unless an
 * entry says otherwise).
 */
export function buildHostileWheel(
  name: string,
  version: string,
  entries: HostileEntry[],
  options: HostileWheelOptions = {},
): BuiltWheel {
  const enc = new TextEncoder();
  const dist = name.replace(/[-.]+/g, "_");
  const distInfo = `${dist}-${version}.dist-info`;
  const all = [...entries];
  if (options.record ?? true) {
    all.push(
      {
        name: `${distInfo}/METADATA`,
        data: `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n\n`,
      },
      {
        name: `${distInfo}/WHEEL`,
        data: "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n\n",
      },
    );
    const lines = all.filter((e) => !e.unrecorded).map((e) => {
      const data = typeof e.data === "string" ? enc.encode(e.data) : e.data;
      return `${e.name},${e.recordHash ?? recordHashOf(data)},${data.length}`;
    });
    lines.push(`${distInfo}/RECORD,,`);
    all.push({ name: `${distInfo}/RECORD`, data: lines.join("\n") + "\n" });
  }
  const bytes = buildZip(all);
  return {
    filename: `${dist}-${version}-py3-none-any.whl`,
    bytes,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    name,
    version,
  };
}

/**
 * Static metadata of a source distribution: its top-level `PKG-INFO`, usable for resolution when
 * it is core metadata 2.2 or later and `Requires-Dist` is not marked `Dynamic` (PEP 643).
 *
 * @module
 */
import { bytesSource, findWheelMetadata, readZipDirectory, readZipEntry } from "../metadata/mod.ts";

async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes.slice()]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function readTarPkgInfo(tar: Uint8Array): string | null {
  const decoder = new TextDecoder();
  const field = (block: Uint8Array, start: number, length: number) =>
    decoder.decode(block.subarray(start, start + length)).replace(/\0.*$/s, "");
  let p = 0;
  let longName: string | null = null;
  while (p + 512 <= tar.length) {
    const header = tar.subarray(p, p + 512);
    if (header.every((b) => b === 0)) break;
    const size = parseInt(field(header, 124, 12).trim() || "0", 8);
    const type = String.fromCharCode(header[156]!);
    const prefix = field(header, 345, 155);
    let name = longName ??
      (prefix !== "" ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    longName = null;
    const data = tar.subarray(p + 512, p + 512 + size);
    if (type === "L") longName = decoder.decode(data).replace(/\0.*$/s, "");
    else if (type === "x") {
      const path = /\d+ path=([^\n]*)\n/.exec(decoder.decode(data))?.[1];
      if (path !== undefined) longName = path;
    } else if (
      (type === "0" || type === "\0") && /^[^/]+\/PKG-INFO$/.test(name.replace(/^\.\//, ""))
    ) {
      return decoder.decode(data);
    }
    name = "";
    p += 512 + Math.ceil(size / 512) * 512;
  }
  return null;
}

/** The top-level `PKG-INFO` of an sdist archive (`.tar.gz` or `.zip`), or null when absent. */
export async function readSdistPkgInfo(
  filename: string,
  bytes: Uint8Array,
): Promise<string | null> {
  if (filename.endsWith(".zip")) {
    const source = bytesSource(bytes);
    const entries = await readZipDirectory(source);
    const entry = entries.find((e) => /^[^/]+\/PKG-INFO$/.test(e.name)) ??
      findWheelMetadata(entries);
    return entry === undefined ? null : new TextDecoder().decode(await readZipEntry(source, entry));
  }
  if (filename.endsWith(".tar.gz") || filename.endsWith(".tgz")) {
    return readTarPkgInfo(await gunzip(bytes));
  }
  if (filename.endsWith(".tar")) return readTarPkgInfo(bytes);
  return null;
}

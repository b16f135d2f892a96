/**
 * Hostile wheels for tests: a tiny archive whose METADATA inflates to hundreds of MB (a deflate
 * bomb), built as a stream so the test itself never holds the inflated bytes.
 *
 * - `buildMetadataBomb({ name, version, inflatedBytes })`: a wheel whose
 *   `{name}-{version}.dist-info/METADATA` is `inflatedBytes` of one repeated header line, deflated
 *   (about 1/1000 of that on disk). `declaredSize` sets the size written in the zip headers:
 *   the true size by default (a reader can refuse before inflating), or a lie (a small number, so
 *   only a reader that bounds the inflating itself is safe).
 *
 * The CRC-32 fields are left 0: readers under test must not depend on them to stay safe.
 *
 * @module
 */
import { createHash } from "node:crypto";
import type { BuiltWheel } from "./build_wheel.ts";

/** What to build. */
export interface MetadataBombSpec {
  name: string;
  version: string;
  /** Uncompressed size of METADATA, in bytes. */
  inflatedBytes: number;
  /** Uncompressed size written in the zip headers. @default inflatedBytes */
  declaredSize?: number;
}

async function deflateRepeated(total: number): Promise<Uint8Array> {
  const line = new TextEncoder().encode("Classifier: Programming Language :: Python :: 3\n");
  const block = new Uint8Array(1024 * 1024 - ((1024 * 1024) % line.length));
  for (let i = 0; i < block.length; i += line.length) block.set(line, i);
  const head = new TextEncoder().encode("Metadata-Version: 2.1\nName: bomb\nVersion: 1.0\n");
  let sent = 0;
  const stream = new ReadableStream<BufferSource>({
    pull(controller) {
      if (sent === 0) {
        sent = head.length;
        return controller.enqueue(head);
      }
      const left = total - sent;
      if (left <= 0) return controller.close();
      const chunk = left >= block.length ? block : block.subarray(0, left);
      sent += chunk.length;
      controller.enqueue(chunk);
    },
  });
  const deflated = stream.pipeThrough(new CompressionStream("deflate-raw"));
  return new Uint8Array(await new Response(deflated).arrayBuffer());
}

function u16(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff];
}
function u32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

/** Builds a wheel whose METADATA is a deflate bomb (see the module docs). */
export async function buildMetadataBomb(spec: MetadataBombSpec): Promise<BuiltWheel> {
  const dist = spec.name.replace(/[-.]+/g, "_");
  const name = new TextEncoder().encode(`${dist}-${spec.version}.dist-info/METADATA`);
  const data = await deflateRepeated(spec.inflatedBytes);
  const declared = spec.declaredSize ?? spec.inflatedBytes;
  if (declared >= 0xffffffff) throw new Error("buildMetadataBomb: declared size needs zip64");
  const common = [...u16(20), ...u16(0), ...u16(8), ...u16(0), ...u16(0x21), ...u32(0)];
  const local = [
    ...u32(0x04034b50),
    ...common,
    ...u32(data.length),
    ...u32(declared),
    ...u16(name.length),
    ...u16(0),
  ];
  const central = [
    ...u32(0x02014b50),
    ...u16(20),
    ...common,
    ...u32(data.length),
    ...u32(declared),
    ...u16(name.length),
    ...u16(0),
    ...u16(0),
    ...u16(0),
    ...u16(0),
    ...u32(0),
    ...u32(0),
  ];
  const cdOffset = local.length + name.length + data.length;
  const cdSize = central.length + name.length;
  const end = [
    ...u32(0x06054b50),
    ...u16(0),
    ...u16(0),
    ...u16(1),
    ...u16(1),
    ...u32(cdSize),
    ...u32(cdOffset),
    ...u16(0),
  ];
  const bytes = new Uint8Array(cdOffset + cdSize + end.length);
  let p = 0;
  for (const part of [local, name, data, central, name, end]) {
    bytes.set(part instanceof Uint8Array ? part : Uint8Array.from(part), p);
    p += part.length;
  }
  return {
    filename: `${dist}-${spec.version}-py3-none-any.whl`,
    bytes,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    name: spec.name,
    version: spec.version,
  };
}

/**
 * Test stand-ins for the cache: wheels with any files (`.data/`, platlib, entry points, hostile
 * paths) built in memory, and unpacked into a temp content-addressed "store" as the
 * `UnpackedWheel` manifests the installer takes.
 *
 * @module
 */
import { unzipSync, zipSync } from "fflate";
import { createHash } from "node:crypto";
import { join } from "node:path";
import type { UnpackedFile, UnpackedWheel } from "../../lib/cache/mod.ts";
import type { BuiltWheel } from "./build_wheel.ts";

/** What to put in a custom test wheel. */
export interface CustomWheelSpec {
  /** Project name as METADATA writes it. */
  name: string;
  version: string;
  /** Files outside `.dist-info`, path → content. */
  files?: Record<string, string | Uint8Array>;
  /** `entry_points.txt` content. */
  entryPoints?: string;
  /** `Root-Is-Purelib`. @default true */
  rootIsPurelib?: boolean;
  /** Wheel tag. @default "py3-none-any" */
  tag?: string;
  /** `Requires-Dist` entries. */
  dependencies?: string[];
  /** `Wheel-Version`. @default "1.0" */
  wheelVersion?: string;
  /** Name written in METADATA when it should lie. @default name */
  metadataName?: string;
  /** Version written in METADATA when it should lie. @default version */
  metadataVersion?: string;
}

const enc = new TextEncoder();

function sha256(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Builds a wheel with arbitrary files and a correct RECORD. */
export function buildCustomWheel(spec: CustomWheelSpec): BuiltWheel {
  const dist = spec.name.replace(/[-.]+/g, "_");
  const distInfo = `${dist}-${spec.version}.dist-info`;
  const tag = spec.tag ?? "py3-none-any";
  const metadata = [
    "Metadata-Version: 2.1",
    `Name: ${spec.metadataName ?? spec.name}`,
    `Version: ${spec.metadataVersion ?? spec.version}`,
    ...(spec.dependencies ?? []).map((d) => `Requires-Dist: ${d}`),
    "",
    "",
  ].join("\n");
  const files: Record<string, Uint8Array> = {};
  for (const [path, content] of Object.entries(spec.files ?? {})) {
    files[path] = typeof content === "string" ? enc.encode(content) : content;
  }
  files[`${distInfo}/METADATA`] = enc.encode(metadata);
  files[`${distInfo}/WHEEL`] = enc.encode(
    `Wheel-Version: ${spec.wheelVersion ?? "1.0"}\nGenerator: gestvenv-tests\n` +
      `Root-Is-Purelib: ${spec.rootIsPurelib ?? true}\nTag: ${tag}\n\n`,
  );
  if (spec.entryPoints !== undefined) {
    files[`${distInfo}/entry_points.txt`] = enc.encode(spec.entryPoints);
  }
  const record = Object.entries(files).map(([path, data]) =>
    `${path},sha256=${createHash("sha256").update(data).digest("base64url")},${data.length}`
  );
  record.push(`${distInfo}/RECORD,,`);
  files[`${distInfo}/RECORD`] = enc.encode(record.join("\n") + "\n");
  const bytes = zipSync(files, { level: 1 });
  return {
    filename: `${dist}-${spec.version}-${tag}.whl`,
    bytes,
    sha256: sha256(bytes),
    name: spec.name,
    version: spec.version,
    metadata,
  };
}

/** Stores `data` in the test store under its sha256 (read-only, as a real store would keep it). */
export async function storeBytes(store: string, data: Uint8Array): Promise<string> {
  const hash = sha256(data);
  const path = join(store, hash.slice(0, 2), hash);
  try {
    await Deno.lstat(path);
  } catch {
    await Deno.mkdir(join(store, hash.slice(0, 2)), { recursive: true });
    await Deno.writeFile(path, data, { mode: 0o444 });
    await Deno.chmod(path, 0o444);
  }
  return hash;
}

/** A manifest over the test store for files given directly (hostile paths included). */
export async function manifestOf(
  store: string,
  filename: string,
  files: Array<{ path: string; content: string | Uint8Array; executable?: boolean }>,
): Promise<UnpackedWheel> {
  const out: UnpackedFile[] = [];
  for (const f of files) {
    const data = typeof f.content === "string" ? enc.encode(f.content) : f.content;
    out.push({
      path: f.path,
      sha256: await storeBytes(store, data),
      size: data.length,
      executable: f.executable ?? false,
    });
  }
  return {
    filename,
    sha256: "0".repeat(64),
    files: out,
    storedFile: (hash: string) => join(store, hash.slice(0, 2), hash),
  };
}

/**
 * Unpacks `wheel` into the test store (`unzipSync`, every file stored under its sha256) and
 * returns its manifest. `executable` names archive paths to mark executable.
 */
export async function unpackToStore(
  store: string,
  wheel: Pick<BuiltWheel, "filename" | "bytes" | "sha256">,
  executable: ReadonlySet<string> = new Set(),
): Promise<UnpackedWheel> {
  const entries = unzipSync(wheel.bytes);
  const files = Object.entries(entries)
    .filter(([path]) => !path.endsWith("/"))
    .map(([path, content]) => ({ path, content, executable: executable.has(path) }));
  return { ...(await manifestOf(store, wheel.filename, files)), sha256: wheel.sha256 };
}

/**
 * Builds small pure-Python wheels (PEP 427) in memory for the tests: a module, METADATA with
 * dependencies, an optional console script, and a RECORD with sha256 hashes.
 *
 * @module
 */
import { zipSync } from "fflate";
import { createHash } from "node:crypto";

/** The modification time of every entry of a built wheel (reproducible builds). */
const WHEEL_MTIME = new Date(Date.UTC(2020, 0, 1));

/** What to put in a test wheel. */
export interface WheelSpec {
  /** Project name, e.g. `demo-pkg`. */
  name: string;
  /** Version, e.g. `1.0.0`. */
  version: string;
  /** `Requires-Dist` entries. @default [] */
  dependencies?: string[];
  /** `Requires-Python`. */
  requiresPython?: string;
  /** Console scripts: script name → `module:function`. @default {} */
  scripts?: Record<string, string>;
  /** Wheel tag. @default "py3-none-any" */
  tag?: string;
  /** `Provides-Extra` entries. @default [] */
  extras?: string[];
  /** Extra module source; the module `<import name>/__init__.py` always defines `VERSION`. */
  moduleSource?: string;
  /** More METADATA header lines (`License-Expression: MIT`, `Author: Ann`, `Classifier: …`). @default [] */
  metadataFields?: string[];
}

/** A built wheel: its file name, bytes and sha256 (hex). */
export interface BuiltWheel {
  filename: string;
  bytes: Uint8Array;
  sha256: string;
  name: string;
  version: string;
  /** The METADATA text inside the wheel. */
  metadata?: string;
}

/** The import name of a project (`demo-pkg` → `demo_pkg`). */
export function importName(name: string): string {
  return name.toLowerCase().replace(/[-.]+/g, "_");
}

function recordHash(data: Uint8Array): string {
  return "sha256=" + createHash("sha256").update(data).digest("base64url");
}

/** Builds a `py3-none-any` wheel from `spec`. */
export function buildWheel(spec: WheelSpec): BuiltWheel {
  const dist = spec.name.replace(/[-.]+/g, "_");
  const mod = importName(spec.name);
  const distInfo = `${dist}-${spec.version}.dist-info`;
  const enc = new TextEncoder();
  const metadata = [
    "Metadata-Version: 2.1",
    `Name: ${spec.name}`,
    `Version: ${spec.version}`,
    `Summary: Test distribution ${spec.name}`,
    ...(spec.metadataFields ?? []),
    ...(spec.requiresPython ? [`Requires-Python: ${spec.requiresPython}`] : []),
    ...(spec.extras ?? []).map((e) => `Provides-Extra: ${e}`),
    ...(spec.dependencies ?? []).map((d) => `Requires-Dist: ${d}`),
    "",
    "",
  ].join("\n");
  const files: Record<string, Uint8Array> = {
    [`${mod}/__init__.py`]: enc.encode(
      `VERSION = ${
        JSON.stringify(spec.version)
      }\n\ndef main():\n    print("${spec.name} " + VERSION)\n${spec.moduleSource ?? ""}`,
    ),
    [`${distInfo}/METADATA`]: enc.encode(metadata),
    [`${distInfo}/WHEEL`]: enc.encode(
      `Wheel-Version: 1.0\nGenerator: gestvenv-tests\nRoot-Is-Purelib: true\nTag: ${
        spec.tag ?? "py3-none-any"
      }\n\n`,
    ),
  };
  const scripts = Object.entries(spec.scripts ?? {});
  if (scripts.length > 0) {
    files[`${distInfo}/entry_points.txt`] = enc.encode(
      "[console_scripts]\n" + scripts.map(([k, v]) => `${k} = ${v}`).join("\n") + "\n",
    );
  }
  const record = Object.entries(files).map(([path, data]) =>
    `${path},${recordHash(data)},${data.length}`
  );
  record.push(`${distInfo}/RECORD,,`);
  files[`${distInfo}/RECORD`] = enc.encode(record.join("\n") + "\n");
  // A fixed time in every entry: the same spec always gives the same bytes and sha256 (fflate
  // stamps the current time otherwise, and two builds a second apart differed).
  const bytes = zipSync(files, { level: 6, mtime: WHEEL_MTIME });
  return {
    filename: `${dist}-${spec.version}-${spec.tag ?? "py3-none-any"}.whl`,
    bytes,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    name: spec.name,
    version: spec.version,
    metadata,
  };
}

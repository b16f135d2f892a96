/**
 * Fixtures for the PEP 517 build tests: a tiny build backend shipped as a wheel (served by the
 * local index), sdists written as real `.tar.gz` archives (good and hostile), and an `installInto`
 * that fills build environments with the host's pip from the local index.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { buildWheel, type BuiltWheel } from "./build_wheel.ts";
import type { InstallInto } from "../../lib/build/mod.ts";
import type { VirtualenvLayout } from "../../lib/virtualenv/mod.ts";

/**
 * The tiny build backend (module `tiny_backend`). It reads `[project]` name and version and
 * `[tool.tiny-backend]` from pyproject.toml (`tomllib`: Python 3.11+), packs `<import name>/`
 * into a wheel, and appends one line per hook call to the file `counter` names (JSON: hook,
 * `sys.prefix`, `config_settings`), so tests can count backend runs and see where they ran. `fail = N` makes
 * `build_wheel` print 60 numbered lines and exit with code N; `sleep = S` makes it sleep S
 * seconds first; `extra-requires` is what
 * `get_requires_for_build_wheel` returns.
 */
const BACKEND_SOURCE = `
import base64, hashlib, json, os, sys, zipfile
import tomllib

def _config():
    with open("pyproject.toml", "rb") as f:
        data = tomllib.load(f)
    return data["project"], data.get("tool", {}).get("tiny-backend", {})

def _record(hook, config_settings):
    project, tool = _config()
    counter = tool.get("counter")
    if counter:
        with open(counter, "a") as f:
            f.write(json.dumps({"hook": hook, "prefix": sys.prefix, "config_settings": config_settings}) + "\\n")
    return project, tool

def _dist(project):
    return project["name"].replace("-", "_").replace(".", "_")

def _metadata(project):
    return "Metadata-Version: 2.1\\nName: %s\\nVersion: %s\\n%s\\n" % (
        project["name"], project["version"],
        "".join("Requires-Dist: %s\\n" % d for d in project.get("dependencies", [])))

def get_requires_for_build_wheel(config_settings=None):
    project, tool = _record("get_requires_for_build_wheel", config_settings)
    return list(tool.get("extra-requires", []))

def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    project, tool = _record("prepare_metadata_for_build_wheel", config_settings)
    info = "%s-%s.dist-info" % (_dist(project), project["version"])
    os.makedirs(os.path.join(metadata_directory, info))
    with open(os.path.join(metadata_directory, info, "METADATA"), "w") as f:
        f.write(_metadata(project))
    return info

def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    project, tool = _record("build_wheel", config_settings)
    if tool.get("sleep"):
        import time
        time.sleep(float(tool["sleep"]))
    if tool.get("fail"):
        for i in range(60):
            print("tiny-backend line %d" % i, file=sys.stderr if i % 2 else sys.stdout, flush=True)
        sys.exit(int(tool["fail"]))
    dist = _dist(project)
    info = "%s-%s.dist-info" % (dist, project["version"])
    files = {}
    for root, _, names in os.walk(dist):
        for name in sorted(names):
            path = os.path.join(root, name)
            with open(path, "rb") as f:
                files[path.replace(os.sep, "/")] = f.read()
    files[info + "/METADATA"] = _metadata(project).encode()
    files[info + "/WHEEL"] = b"Wheel-Version: 1.0\\nGenerator: tiny-backend\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n"
    lines = []
    for path, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        lines.append("%s,sha256=%s,%d" % (path, digest, len(data)))
    files[info + "/RECORD"] = ("\\n".join(lines + [info + "/RECORD,,"]) + "\\n").encode()
    name = "%s-%s-py3-none-any.whl" % (dist, project["version"])
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w") as z:
        for path, data in files.items():
            z.writestr(path, data)
    return name
`;

/** The tiny backend as a wheel (`tiny-backend 1.0`), to serve from the local index. */
export function tinyBackendWheel(): BuiltWheel {
  return buildWheel({ name: "tiny-backend", version: "1.0", moduleSource: BACKEND_SOURCE });
}

/** A small helper wheel a build may ask for through `get_requires_for_build_wheel`. */
export function buildHelperWheel(): BuiltWheel {
  return buildWheel({ name: "build-helper", version: "2.0" });
}

/** One member of a test tar archive. */
export interface TarMember {
  name: string;
  type?: "file" | "dir" | "symlink" | "hardlink" | "chardev" | "fifo";
  data?: string | Uint8Array;
  linkName?: string;
  mode?: number;
}

function octal(value: number, length: number): string {
  return value.toString(8).padStart(length - 1, "0") + "\0";
}

function header(member: TarMember, name: string, size: number, typeflag: string): Uint8Array {
  const block = new Uint8Array(512);
  const enc = new TextEncoder();
  const put = (text: string, offset: number) => block.set(enc.encode(text), offset);
  put(name, 0);
  put(octal(member.mode ?? (member.type === "dir" ? 0o755 : 0o644), 8), 100);
  put(octal(0, 8), 108);
  put(octal(0, 8), 116);
  put(octal(size, 12), 124);
  put(octal(0, 12), 136);
  put("        ", 148);
  put(typeflag, 156);
  put(member.linkName ?? "", 157);
  put("ustar\0", 257);
  put("00", 263);
  let sum = 0;
  for (const b of block) sum += b;
  put(octal(sum, 7) + " ", 148);
  return block;
}

function pad(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(bytes.length / 512) * 512);
  out.set(bytes);
  return out;
}

/** A tar archive of `members` (names over 100 bytes get a pax `path` record). */
export function makeTar(members: TarMember[]): Uint8Array {
  const enc = new TextEncoder();
  const blocks: Uint8Array[] = [];
  const flags = { file: "0", dir: "5", symlink: "2", hardlink: "1", chardev: "3", fifo: "6" };
  for (const member of members) {
    const type = member.type ?? "file";
    const data = typeof member.data === "string" ? enc.encode(member.data) : member.data ?? [];
    const bytes = new Uint8Array(data);
    let name = member.name;
    if (enc.encode(name).length > 99) {
      const record = (len: number) => `${len} path=${member.name}\n`;
      let len = record(0).length;
      while (record(len).length !== len) len = record(len).length;
      const pax = enc.encode(record(len));
      blocks.push(header({ name: "PaxHeader" }, "PaxHeader", pax.length, "x"), pad(pax));
      name = name.slice(0, 99);
    }
    blocks.push(header(member, name, type === "file" ? bytes.length : 0, flags[type]));
    if (type === "file") blocks.push(pad(bytes));
  }
  blocks.push(new Uint8Array(1024));
  const out = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
  let offset = 0;
  for (const b of blocks) {
    out.set(b, offset);
    offset += b.length;
  }
  return out;
}

/** An sdist written to disk: its path and sha256 (hex). */
export interface SdistFile {
  path: string;
  filename: string;
  sha256: string;
}

/** Writes `members` as a gzipped tar named `filename` in `dir`. */
export async function writeSdist(
  dir: string,
  filename: string,
  members: TarMember[],
): Promise<SdistFile> {
  const bytes = gzipSync(makeTar(members));
  const path = join(dir, filename);
  await Deno.writeFile(path, bytes);
  return { path, filename, sha256: createHash("sha256").update(bytes).digest("hex") };
}

/** Options for {@linkcode tinyProjectMembers}. */
export interface TinyProjectOptions {
  /** Project name. @default "demo-proj" */
  name?: string;
  /** @default "1.0" */
  version?: string;
  /** `build-system.requires`. @default ["tiny-backend"] */
  requires?: string[];
  /** Absolute path of the counter file the backend appends to. */
  counter?: string;
  /** Make `build_wheel` exit with this code. */
  fail?: number;
  /** Make `build_wheel` sleep this many seconds first. */
  sleep?: number;
  /** What `get_requires_for_build_wheel` returns. */
  extraRequires?: string[];
  /** `[project] dependencies`. */
  dependencies?: string[];
}

/** The members of an sdist built by the tiny backend: `<name>-<version>/pyproject.toml` + module. */
export function tinyProjectMembers(options: TinyProjectOptions = {}): TarMember[] {
  const name = options.name ?? "demo-proj";
  const version = options.version ?? "1.0";
  const dist = name.replace(/[-.]/g, "_");
  const top = `${dist}-${version}`;
  const tool = [
    ...(options.counter !== undefined ? [`counter = ${JSON.stringify(options.counter)}`] : []),
    ...(options.fail !== undefined ? [`fail = ${options.fail}`] : []),
    ...(options.sleep !== undefined ? [`sleep = ${options.sleep}`] : []),
    ...(options.extraRequires !== undefined
      ? [`extra-requires = ${JSON.stringify(options.extraRequires)}`]
      : []),
  ];
  const pyproject = [
    "[build-system]",
    `requires = ${JSON.stringify(options.requires ?? ["tiny-backend"])}`,
    'build-backend = "tiny_backend"',
    "",
    "[project]",
    `name = ${JSON.stringify(name)}`,
    `version = ${JSON.stringify(version)}`,
    `dependencies = ${JSON.stringify(options.dependencies ?? [])}`,
    "",
    "[tool.tiny-backend]",
    ...tool,
    "",
  ].join("\n");
  return [
    { name: `${top}/`, type: "dir" },
    { name: `${top}/pyproject.toml`, data: pyproject },
    {
      name: `${top}/PKG-INFO`,
      data: `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n`,
    },
    { name: `${top}/${dist}/__init__.py`, data: `ANSWER = ${JSON.stringify(name)}\n` },
  ];
}

/** The lines the tiny backend appended to `counter`, parsed. */
export async function readCounter(
  counter: string,
): Promise<{ hook: string; prefix: string; config_settings: unknown }[]> {
  try {
    return (await Deno.readTextFile(counter)).trim().split("\n").filter((l) => l !== "").map((l) =>
      JSON.parse(l)
    );
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
}

/** An `installInto` backed by the host's pip and the local index, recording every call. */
export interface PipInstallInto {
  installInto: InstallInto;
  /** Each call: the environment root and the requirements. */
  calls: { root: string; requirements: string[] }[];
}

/**
 * An `installInto` that runs `python3 -m pip --python <env python> install --no-deps` from the
 * local index at `indexUrl` (its `/simple` root), with pip's configuration switched off.
 */
export function pipInstallInto(indexUrl: string): PipInstallInto {
  const calls: { root: string; requirements: string[] }[] = [];
  const installInto: InstallInto = async (layout: VirtualenvLayout, requirements: string[]) => {
    calls.push({ root: layout.root, requirements: [...requirements] });
    const out = await new Deno.Command("python3", {
      args: [
        "-m",
        "pip",
        "--python",
        layout.python,
        "install",
        "--quiet",
        "--no-deps",
        "--disable-pip-version-check",
        "--no-input",
        "--index-url",
        `${indexUrl}/`,
        ...requirements,
      ],
      env: { PIP_CONFIG_FILE: "/dev/null", PIP_NO_CACHE_DIR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) {
      throw new Error(
        `pip failed (${out.code}): ${new TextDecoder().decode(out.stderr)}`,
      );
    }
  };
  return { installInto, calls };
}

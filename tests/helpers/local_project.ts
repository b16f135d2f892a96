/**
 * A local Python project for editable-install tests. Its build backend lives in the project itself
 * (PEP 517 `backend-path`) and implements PEP 660 `build_editable` with a `.pth` file, so pip
 * builds it without fetching anything from an index.
 *
 * @module
 */
import { join } from "node:path";

/** The backend; `NAME`, `VERSION`, `EXTRA_METADATA` and `ENTRY_POINTS` are prepended. */
const BACKEND = `
import base64, hashlib, os, zipfile

ROOT = os.path.dirname(os.path.abspath(__file__))

def _record_line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "%s,sha256=%s,%d" % (path, digest, len(data))

def _wheel(directory, files):
    name = "%s-%s-py3-none-any.whl" % (NAME, VERSION)
    info = "%s-%s.dist-info" % (NAME, VERSION)
    files = dict(files)
    files[info + "/METADATA"] = ("Metadata-Version: 2.1\\nName: %s\\nVersion: %s\\n%s" % (NAME, VERSION, EXTRA_METADATA)).encode()
    if ENTRY_POINTS:
        files[info + "/entry_points.txt"] = ENTRY_POINTS.encode()
    files[info + "/WHEEL"] = b"Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n"
    record = [_record_line(p, d) for p, d in files.items()] + [info + "/RECORD,,"]
    files[info + "/RECORD"] = ("\\n".join(record) + "\\n").encode()
    with zipfile.ZipFile(os.path.join(directory, name), "w") as z:
        for path, data in files.items():
            z.writestr(path, data)
    return name

def get_requires_for_build_wheel(config_settings=None):
    return []

def get_requires_for_build_editable(config_settings=None):
    return []

def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    with open(os.path.join(ROOT, NAME, "__init__.py"), "rb") as f:
        return _wheel(wheel_directory, {NAME + "/__init__.py": f.read()})

def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    return _wheel(wheel_directory, {"__editable__.%s.pth" % NAME: (ROOT + "\\n").encode()})
`;

/** What {@linkcode writeLocalProject} writes; every field has the `localproj` default. */
export interface LocalProjectOptions {
  /** Project and module name (an identifier). @default "localproj" */
  name?: string;
  /** @default "0.1.0" */
  version?: string;
  /** METADATA lines after `Version` (`Requires-Dist: …`), each ending in a newline. @default "" */
  metadata?: string;
  /** `entry_points.txt` of the wheels. @default none */
  entryPoints?: string;
  /** The whole pyproject.toml. @default `[build-system]` with this backend and `[project]` */
  pyproject?: string;
  /** The module's `__init__.py`. @default "ANSWER = 42\n" */
  module?: string;
}

/**
 * Writes the project into `dir` and returns its path. By default its module `localproj` has
 * `ANSWER = 42`.
 */
export async function writeLocalProject(
  dir: string,
  options: LocalProjectOptions = {},
): Promise<string> {
  const name = options.name ?? "localproj";
  const version = options.version ?? "0.1.0";
  await Deno.mkdir(join(dir, name), { recursive: true });
  await Deno.writeTextFile(
    join(dir, "pyproject.toml"),
    options.pyproject ??
      `[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["."]\n\n[project]\nname = "${name}"\nversion = "${version}"\n`,
  );
  const constants = `NAME = ${JSON.stringify(name)}\nVERSION = ${JSON.stringify(version)}\n` +
    `EXTRA_METADATA = ${JSON.stringify(options.metadata ?? "")}\n` +
    `ENTRY_POINTS = ${JSON.stringify(options.entryPoints ?? "")}\n`;
  await Deno.writeTextFile(join(dir, "backend.py"), constants + BACKEND);
  await Deno.writeTextFile(join(dir, name, "__init__.py"), options.module ?? "ANSWER = 42\n");
  return dir;
}

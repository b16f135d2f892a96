/**
 * A local Python project for editable-install tests. Its build backend lives in the project itself
 * (PEP 517 `backend-path`) and implements PEP 660 `build_editable` with a `.pth` file, so pip
 * builds it without fetching anything from an index.
 *
 * @module
 */
import { join } from "node:path";

const BACKEND = `
import base64, hashlib, os, zipfile

NAME = "localproj"
VERSION = "0.1.0"
ROOT = os.path.dirname(os.path.abspath(__file__))

def _record_line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "%s,sha256=%s,%d" % (path, digest, len(data))

def _wheel(directory, files):
    name = "%s-%s-py3-none-any.whl" % (NAME, VERSION)
    info = "%s-%s.dist-info" % (NAME, VERSION)
    files = dict(files)
    files[info + "/METADATA"] = ("Metadata-Version: 2.1\\nName: %s\\nVersion: %s\\n" % (NAME, VERSION)).encode()
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
    with open(os.path.join(ROOT, "localproj", "__init__.py"), "rb") as f:
        return _wheel(wheel_directory, {"localproj/__init__.py": f.read()})

def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    return _wheel(wheel_directory, {"__editable__.localproj.pth": (ROOT + "\\n").encode()})
`;

/** Writes the project into `dir` and returns its path. Its module `localproj` has `ANSWER = 42`. */
export async function writeLocalProject(dir: string): Promise<string> {
  await Deno.mkdir(join(dir, "localproj"), { recursive: true });
  await Deno.writeTextFile(
    join(dir, "pyproject.toml"),
    '[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["."]\n\n[project]\nname = "localproj"\nversion = "0.1.0"\n',
  );
  await Deno.writeTextFile(join(dir, "backend.py"), BACKEND);
  await Deno.writeTextFile(join(dir, "localproj", "__init__.py"), "ANSWER = 42\n");
  return dir;
}

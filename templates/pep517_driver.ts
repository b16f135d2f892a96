/**
 * The PEP 517 / PEP 660 hook driver: a Python script that `lib/build` writes to a temporary
 * directory and runs with the build environment's interpreter, in the source tree:
 * `<env python> -I -u pep517_driver.py <hook> <control dir>`. The driver sends its stderr into its
 * stdout (one pipe, so the backend's lines keep their order).
 *
 * `<control dir>/input.json` holds `{"backend": "mod.sub:obj.attr", "backend_path": [absolute
 * paths], "kwargs": {...}}`; the driver writes `<control dir>/output.json` as
 * `{"return": value}` when the hook returned, or `{"error": "backend_unavailable" |
 * "backend_invalid" | "hook_missing", "message": ..., "traceback": ...}` when it could not be
 * called. An exception raised by the backend itself is not caught: its traceback goes to stderr
 * and the process exits with code 1 (or the code the backend passed to `sys.exit`).
 *
 * Isolated mode (`-I`) keeps the current directory and `PYTHONPATH` off `sys.path`, so the
 * driver puts `backend-path` (PEP 517 "In-tree build backends") first on `sys.path` itself, and
 * checks that the backend was loaded from there. Optional hooks that are missing behave as PEP 517
 * and PEP 660 say: `get_requires_for_build_*` return `[]`; `prepare_metadata_for_build_*` build
 * the wheel and extract its `.dist-info`, leaving the wheel for the `build_*` call that follows
 * (its name in `<metadata directory>/.gestvenv-built-wheel`).
 *
 * Written for Python 3.3 and later (no f-strings).
 */
export const PEP517_DRIVER =
  `# gestvenv PEP 517 / PEP 660 hook driver. Written by gestvenv; safe to delete.
import json
import os
import shutil
import sys
import traceback
import zipfile
from importlib import import_module

BUILT_WHEEL_MARKER = ".gestvenv-built-wheel"


class CannotCall(Exception):
    def __init__(self, kind, message, trace=None):
        Exception.__init__(self, message)
        self.kind = kind
        self.message = message
        self.trace = trace


def _inside(path, roots):
    path = os.path.normcase(os.path.realpath(path))
    for root in roots:
        root = os.path.normcase(os.path.realpath(root))
        if path == root or path.startswith(root.rstrip(os.sep) + os.sep):
            return True
    return False


def load_backend(spec, backend_path):
    module_name, _, object_path = spec.partition(":")
    module_name = module_name.strip()
    if backend_path:
        # PEP 517: backend-path entries come first on sys.path, and the backend must be found there.
        sys.path[:0] = backend_path
    try:
        backend = import_module(module_name)
    except ImportError:
        raise CannotCall(
            "backend_unavailable",
            "cannot import the build backend %r" % module_name,
            traceback.format_exc(),
        )
    if backend_path:
        origin = getattr(backend, "__file__", None)
        if origin is None or not _inside(origin, backend_path):
            raise CannotCall(
                "backend_invalid",
                "the build backend %r was loaded from %s, not from backend-path %s"
                % (module_name, origin, backend_path),
            )
    if object_path:
        for attribute in object_path.strip().split("."):
            try:
                backend = getattr(backend, attribute)
            except AttributeError:
                raise CannotCall(
                    "backend_unavailable",
                    "the build backend %r has no attribute %r" % (spec, attribute),
                    traceback.format_exc(),
                )
    return backend


def _extract_dist_info(wheel_path, metadata_directory):
    with zipfile.ZipFile(wheel_path) as archive:
        names = archive.namelist()
        dist_infos = sorted(set(
            name.split("/", 1)[0] for name in names
            if name.split("/", 1)[0].endswith(".dist-info") and "/" in name
        ))
        if len(dist_infos) != 1:
            raise CannotCall(
                "bad_wheel",
                "the wheel %s holds %d .dist-info directories, expected one"
                % (os.path.basename(wheel_path), len(dist_infos)),
            )
        dist_info = dist_infos[0]
        for name in names:
            parts = name.split("/")
            if parts[0] != dist_info or ".." in parts or name.endswith("/"):
                continue
            target = os.path.join(metadata_directory, *parts)
            if not os.path.isdir(os.path.dirname(target)):
                os.makedirs(os.path.dirname(target))
            with archive.open(name) as source, open(target, "wb") as out:
                shutil.copyfileobj(source, out)
    return dist_info


def _metadata_by_building(backend, build_hook, metadata_directory, config_settings):
    hook = getattr(backend, build_hook, None)
    if hook is None:
        raise CannotCall("hook_missing", "the build backend has no %s hook" % build_hook)
    wheel_directory = os.path.join(metadata_directory, ".gestvenv-wheel")
    os.makedirs(wheel_directory)
    name = hook(wheel_directory, config_settings)
    dist_info = _extract_dist_info(os.path.join(wheel_directory, name), metadata_directory)
    with open(os.path.join(metadata_directory, BUILT_WHEEL_MARKER), "w") as marker:
        marker.write(name)
    return dist_info


def _prebuilt_wheel(metadata_directory, wheel_directory):
    if not metadata_directory:
        return None
    marker = os.path.join(metadata_directory, BUILT_WHEEL_MARKER)
    if not os.path.isfile(marker):
        return None
    with open(marker) as f:
        name = f.read().strip()
    shutil.copy2(os.path.join(metadata_directory, ".gestvenv-wheel", name), wheel_directory)
    return name


def get_requires_for_build_wheel(backend, config_settings):
    hook = getattr(backend, "get_requires_for_build_wheel", None)
    return [] if hook is None else hook(config_settings)


def get_requires_for_build_editable(backend, config_settings):
    hook = getattr(backend, "get_requires_for_build_editable", None)
    return [] if hook is None else hook(config_settings)


def prepare_metadata_for_build_wheel(backend, metadata_directory, config_settings):
    hook = getattr(backend, "prepare_metadata_for_build_wheel", None)
    if hook is None:
        return _metadata_by_building(backend, "build_wheel", metadata_directory, config_settings)
    return hook(metadata_directory, config_settings)


def prepare_metadata_for_build_editable(backend, metadata_directory, config_settings):
    hook = getattr(backend, "prepare_metadata_for_build_editable", None)
    if hook is None:
        return _metadata_by_building(backend, "build_editable", metadata_directory, config_settings)
    return hook(metadata_directory, config_settings)


def build_wheel(backend, wheel_directory, config_settings, metadata_directory):
    prebuilt = _prebuilt_wheel(metadata_directory, wheel_directory)
    if prebuilt is not None:
        return prebuilt
    return backend.build_wheel(wheel_directory, config_settings, metadata_directory)


def build_editable(backend, wheel_directory, config_settings, metadata_directory):
    hook = getattr(backend, "build_editable", None)
    if hook is None:
        raise CannotCall(
            "hook_missing",
            "the build backend has no build_editable hook (PEP 660): it cannot make editable installs",
        )
    prebuilt = _prebuilt_wheel(metadata_directory, wheel_directory)
    if prebuilt is not None:
        return prebuilt
    return hook(wheel_directory, config_settings, metadata_directory)


HOOKS = {
    "get_requires_for_build_wheel": get_requires_for_build_wheel,
    "get_requires_for_build_editable": get_requires_for_build_editable,
    "prepare_metadata_for_build_wheel": prepare_metadata_for_build_wheel,
    "prepare_metadata_for_build_editable": prepare_metadata_for_build_editable,
    "build_wheel": build_wheel,
    "build_editable": build_editable,
}


def _write_output(control_dir, data):
    path = os.path.join(control_dir, "output.json")
    with open(path + ".tmp", "w") as f:
        json.dump(data, f)
    os.replace(path + ".tmp", path)


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in HOOKS:
        sys.stderr.write("usage: pep517_driver.py HOOK CONTROL_DIR\\n")
        sys.exit(2)
    hook_name, control_dir = sys.argv[1], sys.argv[2]
    # One stream for the backend and the tools it runs, so its lines arrive in the order written.
    sys.stdout.flush()
    sys.stderr.flush()
    os.dup2(1, 2)
    with open(os.path.join(control_dir, "input.json")) as f:
        request = json.load(f)
    try:
        backend = load_backend(request["backend"], request.get("backend_path") or [])
        result = HOOKS[hook_name](backend, **request["kwargs"])
    except CannotCall as error:
        _write_output(control_dir, {
            "error": error.kind, "message": error.message, "traceback": error.trace,
        })
        return
    _write_output(control_dir, {"return": result})


if __name__ == "__main__":
    main()
`;

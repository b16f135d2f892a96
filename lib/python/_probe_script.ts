/**
 * The Python program run once per interpreter (`python -I -B -c <PROBE_SCRIPT>`). It prints one
 * JSON object; see `InterpreterInfo` for its shape. It must run on Python 2.7 and 3.x, so it uses
 * only the stdlib and no f-strings. Embedded as a string so compiled binaries read no source file.
 */
export const PROBE_SCRIPT = String.raw`
import json, os, platform, sys, sysconfig
def _impl():
    try:
        return sys.implementation.name
    except AttributeError:
        return platform.python_implementation().lower()
def _impl_version():
    try:
        iv = sys.implementation.version
    except AttributeError:
        return "0"
    v = "%d.%d.%d" % (iv.major, iv.minor, iv.micro)
    if iv.releaselevel != "final":
        v += iv.releaselevel[0] + str(iv.serial)
    return v
def _libc():
    try:
        name, ver = os.confstr("CS_GNU_LIBC_VERSION").split(" ", 1)
        if name == "glibc":
            return {"family": "glibc", "version": ver}
    except (AttributeError, OSError, ValueError):
        pass
    if sys.platform.startswith("linux"):
        import glob, subprocess
        for loader in glob.glob("/lib/ld-musl-*.so.1"):
            try:
                p = subprocess.Popen([loader], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                err = p.communicate()[1].decode("utf-8", "replace")
                for line in err.splitlines():
                    if line.startswith("Version "):
                        return {"family": "musl", "version": line.split(" ", 1)[1].strip()}
            except OSError:
                pass
            return {"family": "musl", "version": None}
    return None
def _scheme():
    names = sysconfig.get_scheme_names()
    if "venv" in names:
        scheme = "venv"
    elif os.name == "nt":
        scheme = "nt"
    else:
        scheme = "posix_prefix"
    marker = "/__GESTVENV_BASE__"
    vs = {"base": marker, "platbase": marker, "installed_base": marker, "installed_platbase": marker, "userbase": marker}
    paths = sysconfig.get_paths(scheme=scheme, vars=vs)
    out = {}
    for key in ("purelib", "platlib", "scripts", "include", "data"):
        value = paths.get(key, "")
        if value.startswith(marker):
            value = value[len(marker):].lstrip("/\\")
        out[key] = value.replace("\\", "/")
    return {"name": scheme, "paths": out}
def _markers():
    return {
        "implementation_name": _impl(),
        "implementation_version": _impl_version(),
        "os_name": os.name,
        "platform_machine": platform.machine(),
        "platform_python_implementation": platform.python_implementation(),
        "platform_release": platform.release(),
        "platform_system": platform.system(),
        "platform_version": platform.version(),
        "python_full_version": platform.python_version(),
        "python_version": ".".join(platform.python_version_tuple()[:2]),
        "sys_platform": sys.platform,
    }
base_prefix = getattr(sys, "base_prefix", getattr(sys, "real_prefix", sys.prefix))
base_executable = getattr(sys, "_base_executable", None) or sys.executable
if base_prefix != sys.prefix and base_executable == sys.executable:
    base_executable = None
vi = sys.version_info
info = {
    "implementation": _impl(),
    "implementation_display": platform.python_implementation(),
    "version": platform.python_version(),
    "version_info": [vi[0], vi[1], vi[2], vi[3], vi[4]],
    "executable": sys.executable,
    "base_executable": base_executable,
    "prefix": sys.prefix,
    "base_prefix": base_prefix,
    "base_exec_prefix": getattr(sys, "base_exec_prefix", sys.exec_prefix),
    "stdlib": sysconfig.get_paths()["stdlib"],
    "scheme": _scheme(),
    "markers": _markers(),
    "sysconfig_platform": sysconfig.get_platform(),
    "soabi": sysconfig.get_config_var("SOABI"),
    "ext_suffix": sysconfig.get_config_var("EXT_SUFFIX"),
    "gil_disabled": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
    "pointer_size": 64 if sys.maxsize > 2 ** 32 else 32,
    "libc": _libc(),
    "os_name": os.name,
}
sys.stdout.write(json.dumps(info))
`;

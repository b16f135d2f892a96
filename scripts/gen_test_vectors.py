"""Writes golden test vectors for gestvenv's packaging-standard modules, computed by the
reference implementation (`packaging`, the library pip vendors).

Usage: python3 scripts/gen_test_vectors.py   (needs `packaging` >= 24; this machine has 26.2)
Output: tests/data/pep440_vectors.json, tests/data/pep508_vectors.json
"""
import itertools
import json
import pathlib

import packaging
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "data"

VERSIONS = [
    "0.9", "1", "1.0", "1.0.0", "1.0.1", "1.0a1", "1.0a2.dev3", "1.0b1", "1.0rc1", "1.0c2",
    "1.0.dev0", "1.0.dev456", "1.0.post1", "1.0.post1.dev2", "1.0-1", "1.0+local.7",
    "1.0+abc", "1.0+5", "1.0.post1+local", "1!0.5", "1.1", "1.1.dev1", "1.2.3", "1.2.3rc1",
    "1.2.4", "1.3", "2.0", "2.0.dev0", "2.0b1", "2.0.post0", "2.1", "10.0", "v1.0",
    "1.0-alpha-1", "1.0.PREVIEW2", "1.0.r3", "1.0_rev-4", "2.0.0.0.1", "0.0.0",
]
SPECS = [
    ">1.0", ">=1.0", "<1.0", "<=1.0", "==1.0", "!=1.0", "==1.0.*", "!=1.0.*", "==1.*",
    "~=1.0", "~=1.0.0", "~=1.2.3", ">1.0rc1", ">2.0.dev0", "<1.0.post1", ">1.0.post0",
    ">1.0.post1", "<2.0", "<2.0rc1", ">=1.0a1", "==1.0+local.7", "==1.0+abc", "!=1.0+abc",
    "===1.0", ">=1.0,<2.0", ">=1.0,!=1.1,<2", "==1!0.5", ">=1!0.1", "<=1.0a2", "~=1.0rc1",
    ">=0.9,<1.0", "", "==2.0.0.0.*", ">1!0",
]


def pep440():
    versions = [Version(v) for v in VERSIONS]
    cases = []
    for v, s in itertools.product(VERSIONS, SPECS):
        spec = SpecifierSet(s)
        cases.append([v, s, spec.contains(v, prereleases=True), spec.contains(v, prereleases=bool(spec.prereleases))])
    return {
        "packaging": packaging.__version__,
        "normalized": {v: str(Version(v)) for v in VERSIONS},
        "sorted": [str(v) for v in sorted(set(versions))],
        "prerelease": {v: Version(v).is_prerelease for v in VERSIONS},
        "contains": cases,
        "invalid_versions": ["1.0-", "a1", "1..0", "1.0+", "1.0+a_", "1.0.x", ""],
        "invalid_specifiers": ["=>1.0", "~=1", ">=1.0.*", "==1.0a1.*", "<1.0+local", "~=1.0+x", "1.0"],
    }


ENV_311 = {
    "implementation_name": "cpython", "implementation_version": "3.11.7", "os_name": "posix",
    "platform_machine": "x86_64", "platform_python_implementation": "CPython",
    "platform_release": "6.1.0", "platform_system": "Linux",
    "platform_version": "#1 SMP Debian", "python_full_version": "3.11.7",
    "python_version": "3.11", "sys_platform": "linux",
}
ENV_38_WIN = dict(ENV_311, os_name="nt", platform_machine="AMD64", platform_system="Windows",
                  python_full_version="3.8.10", python_version="3.8", sys_platform="win32",
                  implementation_version="3.8.10")
MARKERS = [
    'python_version >= "3.8"', 'python_version < "3.10"', "python_version > '3.9'",
    'python_full_version >= "3.11.7"', 'sys_platform == "win32"', 'sys_platform != "win32"',
    'os_name == "nt" and python_version < "3.9"', 'platform_system == "Linux" or extra == "x"',
    'extra == "socks"', 'extra == "Socks_Extra"', '"linux" in sys_platform',
    '"win" not in sys_platform', 'python_version in "3.10 3.11 3.12"',
    '(python_version < "3.8" or sys_platform == "linux") and implementation_name == "cpython"',
    'platform_machine == "x86_64" and platform_python_implementation != "PyPy"',
    'python_version ~= "3.8"', 'python_version == "3.*"', "python_version === '3.11'",
    'implementation_version >= "3.11.1"', '"3.9" <= python_version',
    'platform_release >= "5"', 'platform_version == "#1 SMP Debian"',
]
REQUIREMENTS = [
    "requests", "requests[socks]>=2.0", "Flask_SQLAlchemy (>=2.1,<3)", "name[a, b] ; os_name=='posix'",
    "pip @ https://example.com/pip-23.0-py3-none-any.whl", "foo.bar-baz~=1.4.2",
    "numpy>=1.21; python_version >= '3.8' and platform_machine != 'arm64'",
    "zope.interface===4.0.0", "x @ file:///tmp/x.whl ; sys_platform == 'linux'",
    "a>1,<2,!=1.5.*", "A-B_c.D[Ex_1]==1.0+local",
]


def pep508():
    markers = []
    for m in MARKERS:
        marker = Marker(m)
        for name, env in (("linux311", ENV_311), ("win38", ENV_38_WIN)):
            for extra in ("", "socks", "x", "socks-extra"):
                markers.append([m, name, extra, marker.evaluate(dict(env, extra=extra))])
    reqs = []
    for r in REQUIREMENTS:
        req = Requirement(r)
        reqs.append({
            "text": r, "name": req.name, "extras": sorted(req.extras), "url": req.url,
            "specifier": str(req.specifier), "marker": str(req.marker) if req.marker else None,
        })
    return {"environments": {"linux311": ENV_311, "win38": ENV_38_WIN}, "markers": markers,
            "requirements": reqs,
            "invalid": ["", "foo[", "foo bar", "foo>=", "foo; os_name ==", "@ http://x", "foo[a b]"]}


OUT.mkdir(parents=True, exist_ok=True)
(OUT / "pep440_vectors.json").write_text(json.dumps(pep440(), indent=0) + "\n")
(OUT / "pep508_vectors.json").write_text(json.dumps(pep508(), indent=0) + "\n")
print("wrote", OUT)


def pep425():
    from packaging import tags

    def full(version, abis, platforms, interpreter=None, generic=False):
        platforms = list(platforms)
        if generic:
            out = list(tags.generic_tags(interpreter, abis, platforms))
        else:
            out = list(tags.cpython_tags(version, abis, platforms))
        interpreter = interpreter or "cp" + "".join(map(str, version))
        out += list(tags.compatible_tags(version, interpreter, platforms))
        return [str(t) for t in out]

    linux = list(tags._linux_platforms())  # this machine: glibc, x86_64
    return {
        "linux_cp311": {
            "info": {"implementation": "cpython", "version_info": [3, 11, 7, "final", 0],
                     "sysconfig_platform": "linux-x86_64", "soabi": "cpython-311-x86_64-linux-gnu",
                     "gil_disabled": False, "pointer_size": 64,
                     "libc": {"family": "glibc", "version": "2.36"}},
            "tags": [str(t) for t in tags.sys_tags()],
        },
        "musl_cp312": {
            "info": {"implementation": "cpython", "version_info": [3, 12, 1, "final", 0],
                     "sysconfig_platform": "linux-aarch64", "soabi": None, "gil_disabled": False,
                     "pointer_size": 64, "libc": {"family": "musl", "version": "1.2"}},
            "tags": full((3, 12), ["cp312"], ["musllinux_1_2_aarch64", "musllinux_1_1_aarch64",
                                               "musllinux_1_0_aarch64", "linux_aarch64"]),
        },
        "mac_cp313t": {
            "info": {"implementation": "cpython", "version_info": [3, 13, 0, "final", 0],
                     "sysconfig_platform": "macosx-14.0-arm64", "soabi": None, "gil_disabled": True,
                     "pointer_size": 64, "libc": None},
            "tags": full((3, 13), ["cp313t"], tags.mac_platforms((14, 0), "arm64")),
        },
        "mac_x86_cp39": {
            "info": {"implementation": "cpython", "version_info": [3, 9, 6, "final", 0],
                     "sysconfig_platform": "macosx-10.9-x86_64", "soabi": None, "gil_disabled": False,
                     "pointer_size": 64, "libc": None},
            "tags": full((3, 9), ["cp39"], tags.mac_platforms((10, 9), "x86_64")),
        },
        "win_cp310": {
            "info": {"implementation": "cpython", "version_info": [3, 10, 11, "final", 0],
                     "sysconfig_platform": "win-amd64", "soabi": None, "gil_disabled": False,
                     "pointer_size": 64, "libc": None},
            "tags": full((3, 10), ["cp310"], ["win_amd64"]),
        },
        "linux_pypy310": {
            "info": {"implementation": "pypy", "version_info": [3, 10, 14, "final", 0],
                     "sysconfig_platform": "linux-x86_64", "soabi": "pypy310-pp73-x86_64-linux-gnu",
                     "gil_disabled": False, "pointer_size": 64,
                     "libc": {"family": "glibc", "version": "2.36"}},
            "tags": full((3, 10), ["pypy310_pp73"], linux, interpreter="pp310", generic=True),
        },
    }


(OUT / "pep425_vectors.json").write_text(json.dumps(pep425(), indent=0) + "\n")

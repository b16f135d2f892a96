"""Expected tag lists of synthesized target platforms (`lib/platforms`), from `packaging.tags`.

A target is given as a PEP 425 platform tag and a Python version, as `gestvenv cache add
--platforms TAG --python-version X.Y` takes it. The platform list is what `packaging` computes on
such a machine (glibc/musl versions forced into `packaging._manylinux`/`_musllinux`, macOS through
`tags.mac_platforms`), and the tags are `cpython_tags` then `compatible_tags`, the order of
`sys_tags()`.

Usage: python3 scripts/gen_platform_vectors.py   (needs `packaging` >= 24; this machine has 26.2)
"""
import json
import pathlib

from packaging import _manylinux, _musllinux, tags

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "data" / "platform_vectors.json"


def linux_platforms(arch, libc, version):
    if libc == "glibc":
        _manylinux._get_glibc_version = lambda: version
        _manylinux._have_compatible_abi = lambda executable, archs: True
        platforms = list(_manylinux.platform_tags([arch]))
    elif libc == "musl":
        _musllinux._get_musl_version = lambda executable: _musllinux._MuslVersion(*version)
        platforms = list(_musllinux.platform_tags([arch]))
    else:
        platforms = []
    return platforms + [f"linux_{arch}"]


TARGETS = [
    # (platform tag given, python version, platform list as packaging computes it)
    ("manylinux_2_28_x86_64", (3, 12), linux_platforms("x86_64", "glibc", (2, 28))),
    ("manylinux_2_17_aarch64", (3, 11), linux_platforms("aarch64", "glibc", (2, 17))),
    ("manylinux2014_x86_64", (3, 10), linux_platforms("x86_64", "glibc", (2, 17))),
    ("manylinux1_i686", (3, 8), linux_platforms("i686", "glibc", (2, 5))),
    ("musllinux_1_2_aarch64", (3, 12), linux_platforms("aarch64", "musl", (1, 2))),
    ("linux_x86_64", (3, 12), linux_platforms("x86_64", None, None)),
    ("macosx_11_0_arm64", (3, 12), list(tags.mac_platforms((11, 0), "arm64"))),
    ("macosx_14_0_arm64", (3, 13), list(tags.mac_platforms((14, 0), "arm64"))),
    ("macosx_10_9_x86_64", (3, 9), list(tags.mac_platforms((10, 9), "x86_64"))),
    ("macosx_12_0_x86_64", (3, 12), list(tags.mac_platforms((12, 0), "x86_64"))),
    ("win_amd64", (3, 12), ["win_amd64"]),
    ("win32", (3, 11), ["win32"]),
    ("win_arm64", (3, 13), ["win_arm64"]),
]


def vector(platform, version, platforms):
    interpreter = "cp" + "".join(map(str, version))
    out = list(tags.cpython_tags(version, [interpreter], platforms))
    out += list(tags.compatible_tags(version, interpreter, platforms))
    return {
        "platform": platform,
        "python_version": ".".join(map(str, version)),
        "tags": [str(t) for t in out],
    }


OUT.write_text(json.dumps([vector(*t) for t in TARGETS], indent=0) + "\n")
print("wrote", OUT)

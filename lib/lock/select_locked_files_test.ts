import { assert, assertEquals } from "../../tests/helpers/assert.ts";
import { InvalidSyntaxError, UsageError } from "../errors/mod.ts";
import type { MarkerContext } from "../pep508/mod.ts";
import type { TagSet } from "../pep425/mod.ts";
import {
  type Pylock,
  type PylockFile,
  type PylockPackage,
  requireSha256,
  selectLockedFiles,
} from "./mod.ts";

const MARKERS: MarkerContext = {
  implementation_name: "cpython",
  implementation_version: "3.11.7",
  os_name: "posix",
  platform_machine: "x86_64",
  platform_python_implementation: "CPython",
  platform_release: "6.1",
  platform_system: "Linux",
  platform_version: "#1",
  python_full_version: "3.11.7",
  python_version: "3.11",
  sys_platform: "linux",
};

function tagSet(tags: string[]): TagSet {
  return { tags, rank: (t) => (tags.indexOf(t) < 0 ? undefined : tags.indexOf(t)) };
}

const TAGS = tagSet(["cp311-cp311-manylinux_2_17_x86_64", "cp311-none-any", "py3-none-any"]);

function file(name: string, sha256: string | null = "a".repeat(64)): PylockFile {
  return { name, url: `https://files.example/${name}`, hashes: sha256 === null ? {} : { sha256 } };
}

function pkg(name: string, version: string, extra: Partial<PylockPackage> = {}): PylockPackage {
  return { name, version, dependencies: [], wheels: [], ...extra };
}

function lock(packages: PylockPackage[], extra: Partial<Pylock> = {}): Pylock {
  return { lockVersion: "1.0", createdBy: "t", packages, source: "/l/pylock.toml", ...extra };
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error");
}

Deno.test("selectLockedFiles() takes the best wheel, else the sdist, and skips false markers", () => {
  const installs = selectLockedFiles(
    lock([
      pkg("fast", "1.0", {
        wheels: [
          file("fast-1.0-py3-none-any.whl"),
          file("fast-1.0-cp311-cp311-manylinux_2_17_x86_64.whl"),
          file("fast-1.0-cp312-cp312-win_amd64.whl"),
        ],
        sdist: file("fast-1.0.tar.gz"),
      }),
      pkg("only-sdist", "2.0", {
        wheels: [file("only_sdist-2.0-cp39-cp39-win32.whl")],
        sdist: file("only_sdist-2.0.tar.gz"),
      }),
      pkg("windows-only", "1.0", {
        marker: 'sys_platform == "win32"',
        wheels: [file("windows_only-1.0-py3-none-any.whl")],
      }),
      pkg("local", "0.1", { directory: { path: "/src/local", editable: true } }),
    ]),
    MARKERS,
    TAGS,
  );
  assertEquals(installs.map((i) => [i.name, i.file?.name ?? i.directory?.path]), [
    ["fast", "fast-1.0-cp311-cp311-manylinux_2_17_x86_64.whl"],
    ["only-sdist", "only_sdist-2.0.tar.gz"],
    ["local", "/src/local"],
  ]);
});

Deno.test("selectLockedFiles() refuses a lock for another Python or environment, and duplicates", () => {
  const python = thrown(() =>
    selectLockedFiles(lock([], { requiresPython: ">=3.12" }), MARKERS, TAGS)
  );
  assert(python instanceof UsageError);
  assertEquals(python.message, "/l/pylock.toml requires Python >=3.12, not 3.11.7");
  const env = thrown(() =>
    selectLockedFiles(lock([], { environments: ['sys_platform == "darwin"'] }), MARKERS, TAGS)
  );
  assert(env instanceof UsageError && env.message.includes("not meant for this environment"));
  const twice = thrown(() =>
    selectLockedFiles(
      lock([
        pkg("a", "1.0", { wheels: [file("a-1.0-py3-none-any.whl")] }),
        pkg("A", "2.0", { wheels: [file("a-2.0-py3-none-any.whl")] }),
      ]),
      MARKERS,
      TAGS,
    )
  );
  assert(twice instanceof UsageError && twice.message.includes("two entries of a"));
  const none = thrown(() =>
    selectLockedFiles(
      lock([pkg("b", "1.0", { wheels: [file("b-1.0-cp39-cp39-win32.whl")] })]),
      MARKERS,
      TAGS,
    )
  );
  assert(none instanceof InvalidSyntaxError);
  assertEquals(none.message, "/l/pylock.toml: b 1.0 has no file for this environment in the lock");
});

Deno.test("requireSha256() lists every file to install without a sha256, before anything is done", () => {
  const l = lock([
    pkg("a", "1.0", { wheels: [file("a-1.0-py3-none-any.whl", null)] }),
    pkg("b", "2.0", { wheels: [file("b-2.0-py3-none-any.whl")] }),
    pkg("c", "3.0", { sdist: { ...file("c-3.0.tar.gz", null), hashes: { md5: "0".repeat(32) } } }),
    pkg("d", "1.0", { directory: { path: "/src/d", editable: false } }),
  ]);
  const error = thrown(() => requireSha256(l, selectLockedFiles(l, MARKERS, TAGS)));
  assert(error instanceof InvalidSyntaxError);
  assertEquals(error.exitCode, 2);
  assertEquals(
    error.message,
    "/l/pylock.toml: no sha256 for the files of a 1.0, c 3.0; gestvenv installs only files it can verify",
  );
  assertEquals(error.details, "a: a-1.0-py3-none-any.whl\nc: c-3.0.tar.gz");
  const ok = lock([pkg("b", "2.0", { wheels: [file("b-2.0-py3-none-any.whl")] })]);
  requireSha256(ok, selectLockedFiles(ok, MARKERS, TAGS));
});

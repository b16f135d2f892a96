import { assert, assertEquals, assertRejects } from "../../tests/helpers/assert.ts";
import { assertSnapshot } from "../../tests/helpers/snapshot.ts";
import { parse } from "smol-toml";
import { InvalidSyntaxError } from "../errors/mod.ts";
import { formatPylock, parsePylock, type Pylock, tomlString } from "./mod.ts";

const SHA = "a".repeat(64);
const WHEEL = "demo_pkg-1.0.0-py3-none-any.whl";
const URL_ = `https://files.example/packages/${WHEEL}`;

/** A valid lock with one wheel package; `pkg` replaces lines of its `[[packages]]` table. */
function lockWith(pkg: Record<string, string> = {}, top = ""): string {
  const fields: Record<string, string> = {
    name: tomlString("demo-pkg"),
    version: tomlString("1.0.0"),
    wheels: `[{ name = ${tomlString(WHEEL)}, url = ${
      tomlString(URL_)
    }, hashes = { sha256 = "${SHA}" } }]`,
    ...pkg,
  };
  const body = Object.entries(fields).filter(([, v]) => v !== "").map(([k, v]) => `${k} = ${v}`);
  return `lock-version = "1.0"\ncreated-by = "test"\n${top}\n[[packages]]\n${body.join("\n")}\n`;
}

function wheel(fields: Record<string, string>): string {
  const all: Record<string, string> = {
    name: tomlString(WHEEL),
    url: tomlString(URL_),
    hashes: `{ sha256 = "${SHA}" }`,
    ...fields,
  };
  return `[{ ${
    Object.entries(all).filter(([, v]) => v !== "").map(([k, v]) => `${k} = ${v}`).join(", ")
  } }]`;
}

function parseError(text: string): InvalidSyntaxError {
  try {
    parsePylock(text, "/locks/pylock.toml");
  } catch (error) {
    if (error instanceof InvalidSyntaxError) return error;
    throw error;
  }
  throw new Error(`expected an InvalidSyntaxError for:\n${text}`);
}

Deno.test("parsePylock() reads a valid lock and formatPylock() writes it back identically", () => {
  const text = lockWith({
    marker: tomlString('python_version >= "3.8"'),
    "requires-python": tomlString(">=3.8"),
    index: tomlString("https://pypi.example/simple"),
    dependencies: `[{ name = "demo-dep" }]`,
    sdist:
      `{ name = "demo_pkg-1.0.0.tar.gz", url = "https://files.example/demo_pkg-1.0.0.tar.gz", size = 120, upload-time = 2024-05-01T10:00:00Z, hashes = { sha256 = "${
        "b".repeat(64)
      }" } }`,
  }, 'requires-python = ">=3.8"');
  const lock = parsePylock(text, "/locks/pylock.toml");
  const p = lock.packages[0]!;
  assertEquals([p.name, p.version, p.marker, p.dependencies], [
    "demo-pkg",
    "1.0.0",
    'python_version >= "3.8"',
    ["demo-dep"],
  ]);
  assertEquals(p.sdist!.size, 120);
  assertEquals(p.sdist!.uploadTime, "2024-05-01T10:00:00.000Z");
  assertEquals(lock.source, "/locks/pylock.toml");
  const recorded = ["demo-pkg>=1; python_version > '3'", "-e /src/proj", "./dist/x-1.0.tar.gz"];
  const tool = parsePylock(
    `${text}\n[tool.gestvenv]\nrequirements = ${JSON.stringify(recorded)}\npython = "3.14.0a1+"\n`,
  );
  assertEquals(tool.gestvenv, { requirements: recorded, python: "3.14.0a1+" });
  const again = parsePylock(formatPylock(lock), "/locks/pylock.toml");
  assertEquals(formatPylock(again), formatPylock(lock));
});

Deno.test("parsePylock() resolves relative paths against the lock's directory and drops credentials", () => {
  const lock = parsePylock(
    lockWith({
      wheels: "",
      directory: `{ path = "../src/proj", editable = true, subdirectory = "pkg" }`,
      index: tomlString("https://user:s3cret@private.example/simple"),
    }) +
      lockWith({
        name: '"other"',
        version: '"2.0"',
        wheels: `[{ path = "wheels/other-2.0-py3-none-any.whl", hashes = { sha256 = "${SHA}" } }]`,
      }).replace(/^lock-version.*\ncreated-by.*\n/, "") +
      lockWith({
        name: '"third"',
        version: '"3.0"',
        wheels: wheel({
          name: "",
          url: tomlString("https://tok:s3cret@files.example/third-3.0-py3-none-any.whl"),
        }),
      }).replace(/^lock-version.*\ncreated-by.*\n/, ""),
    "/work/locks/pylock.toml",
  );
  const [dir, local, remote] = lock.packages;
  assertEquals(dir!.directory, { path: "/work/src/proj/pkg", editable: true });
  assertEquals(dir!.index, "https://private.example/simple");
  assertEquals(local!.wheels[0]!.url, "file:///work/locks/wheels/other-2.0-py3-none-any.whl");
  assertEquals(local!.wheels[0]!.name, "other-2.0-py3-none-any.whl");
  assertEquals(remote!.wheels[0]!.url, "https://files.example/third-3.0-py3-none-any.whl");
  assertEquals(remote!.wheels[0]!.name, "third-3.0-py3-none-any.whl");
  const upper = parseError(lockWith({ wheels: wheel({ url: tomlString("FILE:///etc/passwd") }) }));
  assert(upper.message.includes("does not end with the file name"), upper.message);
  assert(!formatPylock(lock).includes("s3cret"), "credentials are never kept");
});

/** Hostile or broken values, each in one field; every one must be refused with a clear message. */
const HOSTILE: Array<[string, string]> = [
  [
    "name with a newline and an option",
    lockWith({ name: tomlString("demo\n--index-url http://evil") }),
  ],
  ["name that is an option", lockWith({ name: tomlString("--index-url=http://evil") })],
  ["version with a newline", lockWith({ version: tomlString("1.0.0\n--index-url http://evil") })],
  ["version that is not PEP 440", lockWith({ version: tomlString("--trusted-host") })],
  [
    "file name that is an option",
    lockWith({ wheels: wheel({ name: tomlString("--trusted-host") }) }),
  ],
  [
    "file name with a path",
    lockWith({ wheels: wheel({ name: tomlString("../demo_pkg-1.0.0-py3-none-any.whl") }) }),
  ],
  [
    "file name of another package",
    lockWith({ wheels: wheel({ name: tomlString("evil-1.0.0-py3-none-any.whl") }) }),
  ],
  [
    "file name of another version",
    lockWith({ wheels: wheel({ name: tomlString("demo_pkg-6.6.6-py3-none-any.whl") }) }),
  ],
  [
    "file name with a newline",
    lockWith({ wheels: wheel({ name: tomlString("demo_pkg-1.0.0\n-py3-none-any.whl") }) }),
  ],
  [
    "sdist that is not an sdist",
    lockWith({
      wheels: "",
      sdist:
        `{ name = "demo_pkg-1.0.0.exe", url = "https://x.example/a", hashes = { sha256 = "${SHA}" } }`,
    }),
  ],
  ["url that is an option", lockWith({ wheels: wheel({ url: tomlString("--trusted-host") }) })],
  [
    "url with a newline and an option",
    lockWith({ wheels: wheel({ url: tomlString(`${URL_}\n--index-url http://evil`) }) }),
  ],
  [
    "url with another scheme",
    lockWith({ wheels: wheel({ url: tomlString(`ftp://files.example/${WHEEL}`) }) }),
  ],
  [
    "url with credentials and a space (never shown)",
    lockWith({
      wheels: wheel({ url: tomlString(`https://user:s3cret@files.example/a b/${WHEEL}`) }),
    }),
  ],
  [
    "file url with ..",
    lockWith({ wheels: wheel({ url: tomlString(`file:///srv/wheels/../../etc/${WHEEL}`) }) }),
  ],
  [
    "file url with encoded ..",
    lockWith({ wheels: wheel({ url: tomlString(`file:///srv/%2e%2e/etc/${WHEEL}`) }) }),
  ],
  [
    "file url with an encoded slash",
    lockWith({ wheels: wheel({ url: tomlString(`file:///srv/a%2F..%2Fb/${WHEEL}`) }) }),
  ],
  [
    "file url on another host",
    lockWith({ wheels: wheel({ url: tomlString(`file://evil.example/share/${WHEEL}`) }) }),
  ],
  [
    "file url to another file",
    lockWith({ wheels: wheel({ url: tomlString("file:///etc/passwd") }) }),
  ],
  ["sha256 too short", lockWith({ wheels: wheel({ hashes: `{ sha256 = "abc" }` }) })],
  ["sha256 not hex", lockWith({ wheels: wheel({ hashes: `{ sha256 = "${"z".repeat(64)}" }` }) })],
  ["hashes not a table", lockWith({ wheels: wheel({ hashes: `"sha256:${SHA}"` }) })],
  ["negative size", lockWith({ wheels: wheel({ size: "-1" }) })],
  [
    "upload-time that is text",
    lockWith({ wheels: wheel({ "upload-time": tomlString("yesterday\n[[packages]]") }) }),
  ],
  [
    "marker with a newline",
    lockWith({ marker: tomlString('python_version > "3"\n--index-url http://evil') }),
  ],
  ["marker that does not parse", lockWith({ marker: tomlString("python_version >>> 3") })],
  [
    "directory path with a control character",
    lockWith({ wheels: "", directory: `{ path = "src\\u0000proj" }` }),
  ],
  [
    "directory subdirectory escaping",
    lockWith({ wheels: "", directory: `{ path = "src", subdirectory = "../../etc" }` }),
  ],
  ["directory with wheels", lockWith({ directory: `{ path = "src" }` })],
  [
    "vcs source",
    lockWith({
      wheels: "",
      vcs: `{ type = "git", url = "https://x.example/r.git", commit-id = "abc" }`,
    }),
  ],
  ["dependency name that is an option", lockWith({ dependencies: `[{ name = "--index-url" }]` })],
  ["environments marker garbage", lockWith({}, `environments = ["os_name == "]`)],
  [
    "tool requirement that is an option",
    lockWith({}, "") + `\n[tool.gestvenv]\nrequirements = ["--index-url=http://evil"]\n`,
  ],
  [
    "very long value (shown cut)",
    lockWith({ version: tomlString("1." + "9".repeat(150) + "x".repeat(150)) }),
  ],
  [
    "created-by with a newline",
    lockWith({}).replace('created-by = "test"', 'created-by = "x\\n[[packages]]"'),
  ],
];

Deno.test("parsePylock() refuses hostile fields, naming the lock, the package and the field", async (t) => {
  for (const [what, text] of HOSTILE) {
    const error = parseError(text);
    assertEquals(error.exitCode, 2, what);
    assert(error.message.startsWith("/locks/pylock.toml: "), `${what}: ${error.message}`);
    assert(!error.message.includes("s3cret"), `${what}: credentials shown`);
    assert(!/[\n\r]/.test(error.message), `${what}: the message has a raw newline`);
    await assertSnapshot(t, `${what}: ${error.message}`);
  }
});

Deno.test("tomlString() escapes what TOML forbids, so formatPylock() output cannot be injected", () => {
  const nasty = [
    'a"b',
    "a\\b",
    'line\n[[packages]]\nname = "evil"',
    "del\u007fx",
    "nul\u0000x",
    "tab\tx",
    "é ü 中",
  ];
  for (const s of nasty) assertEquals((parse(`x = ${tomlString(s)}`) as { x: string }).x, s);
  assertEquals((parse(`x = ${tomlString("lone \ud800")}`) as { x: string }).x, "lone \ufffd");
  const lock: Pylock = {
    lockVersion: "1.0",
    createdBy: nasty.join("|"),
    packages: [],
    gestvenv: { requirements: ["demo-pkg"], environment: nasty[2]! },
  };
  const doc = parse(formatPylock(lock)) as Record<string, unknown>;
  assertEquals(doc.packages, undefined, "no value can open a table");
  assertEquals(doc["created-by"], nasty.join("|"));
});

Deno.test("parsePylock() rejects invalid TOML and other lock versions", async () => {
  await assertRejects(
    () => Promise.resolve().then(() => parsePylock("lock-version = ", "/x/pylock.toml")),
    InvalidSyntaxError,
    "/x/pylock.toml: invalid TOML",
  );
  await assertRejects(
    () => Promise.resolve().then(() => parsePylock('lock-version = "2.0"', "/x/pylock.toml")),
    InvalidSyntaxError,
    "unsupported lock-version `2.0`",
  );
});

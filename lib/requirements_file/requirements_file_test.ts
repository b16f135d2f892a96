import { assertEquals, assertRejects } from "../../tests/helpers/assert.ts";
import { join } from "node:path";
import { InvalidSyntaxError } from "../errors/mod.ts";
import { formatRequirement } from "../pep508/mod.ts";
import { readRequirementsFile } from "./mod.ts";

Deno.test("requirements files: options, includes, hashes, markers, variables, continuations", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/base.txt`, "idna==3.7  # pinned\n");
    await Deno.writeTextFile(`${dir}/constraints.txt`, "urllib3<2\n");
    await Deno.writeTextFile(
      `${dir}/requirements.txt`,
      [
        "# comment",
        "--index-url ${INDEX}/simple",
        "--extra-index-url=https://extra.example/simple",
        "-f ./wheels",
        "-r base.txt",
        "-c constraints.txt",
        "--pre",
        "requests[socks] >= 2.31 ; python_version >= '3.8'",
        "flask==3.0.3 \\",
        "    --hash=sha256:aaaa \\",
        "    --hash=sha256:bbbb",
        "./dist/local_pkg-1.0-py3-none-any.whl",
        "-e ./src/project",
        "url-pkg @ https://host/url_pkg-2.0.tar.gz",
      ].join("\n"),
    );
    const file = await readRequirementsFile(`${dir}/requirements.txt`, {
      env: (n) => (n === "INDEX" ? "https://idx.example" : undefined),
    });
    assertEquals(file.indexUrl, "https://idx.example/simple");
    assertEquals(file.extraIndexUrls, ["https://extra.example/simple"]);
    assertEquals(file.findLinks, [`${dir}/wheels`]);
    assertEquals(file.pre, true);
    assertEquals(file.requirements.map((r) => formatRequirement(r.requirement)), [
      "idna==3.7",
      'requests[socks]>=2.31; python_version >= "3.8"',
      "flask==3.0.3",
      `local-pkg @ file://${dir}/dist/local_pkg-1.0-py3-none-any.whl`,
      `project @ file://${dir}/src/project`,
      "url-pkg @ https://host/url_pkg-2.0.tar.gz",
    ]);
    assertEquals(file.requirements[2]!.hashes, ["sha256:aaaa", "sha256:bbbb"]);
    assertEquals(file.requirements[2]!.origin, `${dir}/requirements.txt:9`);
    assertEquals(file.requirements[4]!.editable, true);
    assertEquals(file.constraints.map((r) => formatRequirement(r.requirement)), ["urllib3<2"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a bad line is reported with its file and line number", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/r.txt`, "ok-pkg\n\nbad pkg name\n");
    await assertRejects(
      () => readRequirementsFile(`${dir}/r.txt`),
      InvalidSyntaxError,
      `${dir}/r.txt:3`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readRequirementsFile() keeps each line as written and how it was written", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/r.txt`,
      "pkg[x] >=1 --hash=sha256:abcd  # c\n-e ./src\n./dist/local_pkg-1.0-py3-none-any.whl\n" +
        "tok @ https://${TOKEN}@h/tok-1.0.tar.gz\n",
    );
    const file = await readRequirementsFile(`${dir}/r.txt`, {
      env: (name) => name === "TOKEN" ? "s3cr3t" : undefined,
    });
    assertEquals(
      file.requirements.map((l) => [l.text, l.form, l.requirement.name]),
      [
        ["pkg[x] >=1", "pep508", "pkg"],
        ["./src", "editable", "src"],
        ["./dist/local_pkg-1.0-py3-none-any.whl", "archive", "local-pkg"],
        ["tok @ https://${TOKEN}@h/tok-1.0.tar.gz", "pep508", "tok"],
      ],
    );
    assertEquals(file.requirements[3]!.requirement.url, "https://s3cr3t@h/tok-1.0.tar.gz");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readRequirementsFile exposes include edges and option values as written (no expanded secret)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(join(dir, "sub"));
    await Deno.writeTextFile(join(dir, "sub", "base.txt"), "idna\n");
    await Deno.writeTextFile(join(dir, "dev.txt"), "pytest\n");
    await Deno.writeTextFile(
      join(dir, "requirements.txt"),
      [
        "--index-url https://user:${TOKEN}@example.org/simple",
        "-r${SUB}/base.txt",
        "-rdev.txt",
        "--trusted-host example.org",
        "six",
      ].join("\n"),
    );
    const env = (name: string) => ({ TOKEN: "s3cret", SUB: "sub" } as Record<string, string>)[name];
    const file = await readRequirementsFile(join(dir, "requirements.txt"), { env });
    assertEquals(file.indexUrl, "https://user:s3cret@example.org/simple");
    assertEquals(file.options.map((o) => [o.flag, o.value, o.written]), [
      [
        "--index-url",
        "https://user:s3cret@example.org/simple",
        "https://user:${TOKEN}@example.org/simple",
      ],
      ["--trusted-host", "example.org", "example.org"],
    ]);
    assertEquals(file.includes.map((i) => [i.kind, i.line, i.path, i.written]), [
      ["requirement", 2, join(dir, "sub", "base.txt"), "${SUB}/base.txt"],
      ["requirement", 3, join(dir, "dev.txt"), "dev.txt"],
    ]);
    assertEquals(file.requirements.map((r) => r.requirement.name), ["idna", "pytest", "six"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

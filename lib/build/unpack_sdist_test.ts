import { assert, assertEquals, assertStringIncludes } from "../../tests/helpers/assert.ts";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { zipSync } from "fflate";
import { DistributionError } from "../errors/mod.ts";
import { makeTar, type TarMember, writeSdist } from "../../tests/helpers/build_fixtures.ts";
import { assertSnapshot, filterText } from "../../tests/helpers/snapshot.ts";
import { unpackSdist } from "./mod.ts";

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "gestvenv-unpack-test-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** Unpacks `members` as `<dir>/<filename>` into `<dir>/deep/er/out`; returns the error. */
async function refused(
  dir: string,
  members: TarMember[],
  filename = "bad-1.0.tar.gz",
): Promise<DistributionError> {
  const sdist = await writeSdist(dir, filename, members);
  const dest = join(dir, "deep", "er", "out");
  await Deno.mkdir(dest, { recursive: true });
  try {
    await unpackSdist(sdist.path, dest);
  } catch (error) {
    assert(error instanceof DistributionError, `expected a DistributionError, got ${error}`);
    assertEquals(error.source, filename, "the error names the archive");
    assertEquals(error.exitCode, 1, "a bad archive is not a usage error");
    return error;
  }
  throw new Error("the archive was accepted");
}

Deno.test("unpackSdist() unpacks a good sdist: the top-level directory, pax long names, links inside, modes", async () => {
  await withDir(async (dir) => {
    const long = `pkg-1.0/${"d".repeat(80)}/${"f".repeat(60)}.py`;
    const sdist = await writeSdist(dir, "pkg-1.0.tar.gz", [
      { name: "./", type: "dir" },
      { name: "pkg-1.0/", type: "dir" },
      { name: "pkg-1.0/setup.py", data: "print('hi')\n", mode: 0o755 },
      { name: "pkg-1.0/pkg/__init__.py", data: "X = 1\n", mode: 0o600 },
      { name: long, data: "long\n" },
      { name: "pkg-1.0/pkg/alias.py", type: "symlink", linkName: "__init__.py" },
      { name: "pkg-1.0/docs", type: "symlink", linkName: "pkg/../pkg" },
      { name: "pkg-1.0/copy.py", type: "hardlink", linkName: "pkg-1.0/pkg/__init__.py" },
    ]);
    const dest = join(dir, "out");
    await Deno.mkdir(dest);
    const tree = await unpackSdist(sdist.path, dest);
    assertEquals(tree, join(dest, "pkg-1.0"));
    assertEquals(await Deno.readTextFile(join(tree, "pkg", "__init__.py")), "X = 1\n");
    assertEquals(await Deno.readTextFile(join(dir, "out", long)), "long\n");
    assertEquals(await Deno.readLink(join(tree, "pkg", "alias.py")), "__init__.py");
    assertEquals(await Deno.readTextFile(join(tree, "docs", "alias.py")), "X = 1\n");
    assertEquals(await Deno.readTextFile(join(tree, "copy.py")), "X = 1\n");
    assert(!(await Deno.lstat(join(tree, "copy.py"))).isSymlink);
    assertEquals((await Deno.stat(join(tree, "setup.py"))).mode! & 0o777, 0o755);
    assertEquals((await Deno.stat(join(tree, "pkg", "__init__.py"))).mode! & 0o777, 0o644);
  });
});

Deno.test("unpackSdist() uses the extraction directory when there is no single top-level directory", async () => {
  await withDir(async (dir) => {
    const sdist = await writeSdist(dir, "flat-1.0.tar.gz", [
      { name: "pyproject.toml", data: "" },
      { name: "flat/__init__.py", data: "" },
    ]);
    const dest = join(dir, "out");
    await Deno.mkdir(dest);
    assertEquals(await unpackSdist(sdist.path, dest), dest);
  });
});

Deno.test("unpackSdist() refuses hostile tar members and writes nothing outside", async (t) => {
  await withDir(async (dir) => {
    const outside = join(dir, "evil.txt");
    const traversal = await refused(dir, [
      { name: "bad-1.0/ok.py", data: "" },
      { name: "bad-1.0/../../../../evil.txt", data: "pwned" },
    ]);
    assertStringIncludes(traversal.message, "points outside the archive");
    assertEquals(await exists(outside), false);
    await assertSnapshot(t, filterText(traversal.message, [[dir, "<TMP>"]]));

    const absolute = await refused(dir, [{ name: outside, data: "pwned" }]);
    assertStringIncludes(absolute.message, "absolute path");
    assertEquals(await exists(outside), false);

    const linkOut = await refused(dir, [
      { name: "bad-1.0/", type: "dir" },
      { name: "bad-1.0/link", type: "symlink", linkName: "../../../../evil.txt" },
    ]);
    assertStringIncludes(linkOut.message, "points outside the archive");
    assertEquals(await exists(join(dir, "deep", "er", "out", "bad-1.0", "link")), false);

    const linkAbsolute = await refused(dir, [
      { name: "bad-1.0/link", type: "symlink", linkName: "/etc/passwd" },
    ]);
    assertStringIncludes(linkAbsolute.message, "absolute");

    // `a -> .` stays inside, but `a/..` steps out of the link: the lexical check cannot see it.
    const throughLink = await refused(dir, [
      { name: "bad-1.0/sub/a", type: "symlink", linkName: ".." },
      { name: "bad-1.0/sub/x", type: "symlink", linkName: "a/../.." },
    ]);
    assertStringIncludes(throughLink.message, "steps out of another link");
    const insideLink = await refused(dir, [
      { name: "bad-1.0/a", type: "symlink", linkName: "." },
      { name: "bad-1.0/a/b", type: "symlink", linkName: ".." },
    ]);
    assertStringIncludes(insideLink.message, "inside another link");
    const fileThroughLink = await refused(dir, [
      { name: "bad-1.0/up", type: "symlink", linkName: "." },
      { name: "bad-1.0/up/file", data: "x" },
    ]);
    assertStringIncludes(fileThroughLink.message, "other members lie inside it");

    const hardOut = await refused(dir, [
      { name: "bad-1.0/h", type: "hardlink", linkName: "../../../../evil.txt" },
    ]);
    assertStringIncludes(hardOut.message, "outside the archive");
    const hardMissing = await refused(dir, [
      { name: "bad-1.0/h", type: "hardlink", linkName: "bad-1.0/nothing" },
    ]);
    assertStringIncludes(hardMissing.message, "earlier regular file");

    const device = await refused(dir, [{ name: "bad-1.0/dev", type: "chardev" }]);
    assertStringIncludes(device.message, "device file");
    const fifo = await refused(dir, [{ name: "bad-1.0/fifo", type: "fifo" }]);
    assertStringIncludes(fifo.message, "FIFO");
    assertEquals(await exists(outside), false);
  });
});

Deno.test("unpackSdist() reports corrupt archives as distribution errors naming the file", async () => {
  await withDir(async (dir) => {
    const dest = join(dir, "out");
    await Deno.mkdir(dest);
    const check = async (filename: string, bytes: Uint8Array, includes: string) => {
      await Deno.writeFile(join(dir, filename), bytes);
      try {
        await unpackSdist(join(dir, filename), dest);
      } catch (error) {
        assert(error instanceof DistributionError, `expected a DistributionError, got ${error}`);
        assertEquals(error.source, filename);
        assertStringIncludes(error.message, includes);
        return;
      }
      throw new Error(`${filename} was accepted`);
    };
    await check(
      "garbage-1.0.tar.gz",
      new TextEncoder().encode("not gzip at all"),
      "not a source archive",
    );
    await check("garbage2-1.0.tar.gz", new Uint8Array([0x1f, 0x8b, 1, 2, 3, 4]), "corrupt");
    const tar = makeTar([{ name: "t-1.0/a.py", data: "x".repeat(2000) }]);
    await check("truncated-1.0.tar.gz", gzipSync(tar.subarray(0, 1024)), "truncated");
    const badSum = tar.slice();
    badSum[0] = "u".charCodeAt(0);
    await check("checksum-1.0.tar.gz", gzipSync(badSum), "checksum");
    await check("gz-cut-1.0.tar.gz", gzipSync(tar).subarray(0, 40), "corrupt");
    await check(
      "old-1.0.tar.bz2",
      new TextEncoder().encode("BZh91AY&SY"),
      "unsupported source archive format (bz2",
    );
  });
});

Deno.test("unpackSdist() unpacks a legacy .zip sdist and refuses traversal in one", async () => {
  await withDir(async (dir) => {
    const enc = new TextEncoder();
    await Deno.writeFile(
      join(dir, "z-1.0.zip"),
      zipSync({ "z-1.0/setup.py": enc.encode("pass\n"), "z-1.0/z/__init__.py": enc.encode("") }),
    );
    const dest = join(dir, "out");
    await Deno.mkdir(dest);
    const tree = await unpackSdist(join(dir, "z-1.0.zip"), dest);
    assertEquals(tree, join(dest, "z-1.0"));
    assertEquals(await Deno.readTextFile(join(tree, "setup.py")), "pass\n");

    await Deno.writeFile(
      join(dir, "evil-1.0.zip"),
      zipSync({ "evil-1.0/../../evil.txt": enc.encode("pwned") }),
    );
    const dest2 = join(dir, "out2");
    await Deno.mkdir(dest2);
    try {
      await unpackSdist(join(dir, "evil-1.0.zip"), dest2);
      throw new Error("accepted");
    } catch (error) {
      assert(error instanceof DistributionError, String(error));
      assertEquals(error.source, "evil-1.0.zip");
    }
    assertEquals(await exists(join(dir, "evil.txt")), false);
  });
});

Deno.test("unpackSdist() reads the format from the bytes: a content-addressed file without its name", async () => {
  await withDir(async (dir) => {
    const sdist = await writeSdist(dir, "pkg-1.0.tar.gz", [{ name: "pkg-1.0/setup.py", data: "" }]);
    const blob = join(dir, sdist.sha256);
    await Deno.rename(sdist.path, blob);
    const dest = join(dir, "out");
    await Deno.mkdir(dest);
    assertEquals(await unpackSdist(blob, dest), join(dest, "pkg-1.0"));
    await Deno.writeFile(join(dir, "blob2"), new TextEncoder().encode("garbage"));
    try {
      await unpackSdist(join(dir, "blob2"), dest, { filename: "named-1.0.tar.gz" });
      throw new Error("accepted");
    } catch (error) {
      assert(error instanceof DistributionError, String(error));
      assertEquals(error.source, "named-1.0.tar.gz", "messages use the given file name");
    }
  });
});

Deno.test("unpackSdist() reads what Python's tarfile writes: GNU, pax and ustar formats", async () => {
  await withDir(async (dir) => {
    const src = join(dir, "src", "pkg-2.0");
    const deepDir = join(src, "a".repeat(70), "b".repeat(70));
    await Deno.mkdir(deepDir, { recursive: true });
    await Deno.writeTextFile(join(deepDir, "c".repeat(90) + ".py"), "deep = True\n");
    await Deno.writeTextFile(join(src, "setup.py"), "pass\n");
    await Deno.symlink("setup.py", join(src, "link.py"));
    for (const format of ["GNU_FORMAT", "PAX_FORMAT", "USTAR_FORMAT"]) {
      const archive = join(dir, `pkg-2.0-${format}.tar.gz`);
      const out = await new Deno.Command("python3", {
        args: [
          "-c",
          `import tarfile, sys
with tarfile.open(sys.argv[1], "w:gz", format=tarfile.${format}) as t:
    t.add(sys.argv[2], arcname="pkg-2.0")`,
          archive,
          src,
        ],
        stderr: "piped",
      }).output();
      if (format === "USTAR_FORMAT" && !out.success) continue; // names too long for plain ustar
      assert(out.success, new TextDecoder().decode(out.stderr));
      const dest = join(dir, `out-${format}`);
      await Deno.mkdir(dest);
      const tree = await unpackSdist(archive, dest);
      assertEquals(tree, join(dest, "pkg-2.0"));
      const deep = join(tree, "a".repeat(70), "b".repeat(70), "c".repeat(90) + ".py");
      assertEquals(await Deno.readTextFile(deep), "deep = True\n", format);
      assertEquals(await Deno.readLink(join(tree, "link.py")), "setup.py");
    }
  });
});

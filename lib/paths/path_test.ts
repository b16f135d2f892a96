import { assertEquals } from "../../tests/helpers/assert.ts";
import { basename, dirname, join, normalize } from "./path.ts";

Deno.test("join(), dirname(), basename() and normalize() agree with POSIX path rules", () => {
  if (Deno.build.os === "windows") return;
  assertEquals(join("/a", "b", "c.txt"), "/a/b/c.txt");
  assertEquals(join("/a/", "/b//", "c"), "/a/b/c");
  assertEquals(join("/a/b", ".."), "/a");
  assertEquals(join("/", ".."), "/");
  assertEquals(join("a", "./b"), "a/b");
  assertEquals(join("a", "../../b"), "../b");
  assertEquals(join(), ".");
  assertEquals(normalize("/a/./b/../c/"), "/a/c");
  assertEquals(dirname("/a/b/c"), "/a/b");
  assertEquals(dirname("/a"), "/");
  assertEquals(dirname("a"), ".");
  assertEquals(dirname("/"), "/");
  assertEquals(basename("/a/b/c.txt"), "c.txt");
  assertEquals(basename("/a/b/"), "b");
});

/**
 * One checker for every crash and concurrency test: the registry and the disk of a test home
 * agree. Independent of the code under test: it reads the files itself.
 *
 * @module
 */
import { join } from "node:path";
import type { TestContext } from "./test_context.ts";

/** The entries of a directory; none when it does not exist. */
async function list(dir: string): Promise<Deno.DirEntry[]> {
  try {
    return await Array.fromAsync(Deno.readDir(dir));
  } catch {
    return [];
  }
}

/** What is inconsistent, one line per problem; empty when the home is consistent. */
export async function inconsistencies(ctx: TestContext): Promise<string[]> {
  const problems: string[] = [];
  const registryFile = join(ctx.home, "environments.json");
  let environments: Record<string, { path: string; id: string | null; packages: unknown[] }> = {};
  try {
    environments = JSON.parse(await Deno.readTextFile(registryFile)).environments;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) problems.push(`registry unreadable: ${error}`);
  }
  const envDir = join(ctx.home, "environments");
  const registeredPaths = new Set<string>();
  for (const [name, record] of Object.entries(environments)) {
    registeredPaths.add(record.path);
    let cfg: string;
    try {
      cfg = await Deno.readTextFile(join(record.path, "pyvenv.cfg"));
    } catch {
      problems.push(`${name}: registered but ${record.path} has no pyvenv.cfg`);
      continue;
    }
    if (!/^home = /m.test(cfg)) problems.push(`${name}: pyvenv.cfg has no home`);
    if (record.id !== null && record.id !== undefined) {
      const marker = await Deno.readTextFile(join(record.path, ".gestvenv-env")).then(
        (t) => JSON.parse(t).id as string,
        () => undefined,
      );
      if (marker !== record.id) problems.push(`${name}: marker ${marker} != registry ${record.id}`);
    }
    // What the registry says is installed is what is on disk (complete dist-infos).
    const onDisk: string[] = [];
    const lib = join(record.path, "lib");
    for (const py of await list(lib)) {
      const site = join(lib, py.name, "site-packages");
      for (const entry of await list(site)) {
        if (!entry.name.endsWith(".dist-info")) continue;
        const hasRecord = await Deno.lstat(join(site, entry.name, "RECORD")).then(
          () => true,
          () => false,
        );
        if (hasRecord) {
          onDisk.push(entry.name.replace(/\.dist-info$/, "").toLowerCase().replace(/_/g, "-"));
        }
      }
    }
    const registered = (record.packages as Array<{ name: string; version: string }>).map((p) =>
      `${p.name}-${p.version}`.toLowerCase().replace(/_/g, "-")
    );
    if (onDisk.sort().join(" ") !== registered.sort().join(" ")) {
      problems.push(`${name}: registry has [${registered}] but disk has [${onDisk}]`);
    }
    // Scripts run this environment's Python, not another one's.
    const bin = join(record.path, "bin");
    for (const entry of await list(bin)) {
      if (!entry.isFile) continue;
      const head = (await Deno.readTextFile(join(bin, entry.name)).catch(() => "")).slice(0, 300);
      const m = /^#!(\S+\/bin\/python[\d.]*)/.exec(head);
      if (m !== null && !m[1]!.startsWith(record.path + "/")) {
        problems.push(`${name}: bin/${entry.name} runs ${m[1]}`);
      }
    }
  }
  for (const entry of await list(envDir)) {
    const path = join(envDir, entry.name);
    if (entry.name.startsWith(".gestvenv-")) problems.push(`leftover ${entry.name}`);
    else if (!registeredPaths.has(path)) problems.push(`unregistered directory ${entry.name}`);
  }
  for (const entry of await list(join(ctx.home, "journal"))) {
    problems.push(`journal entry ${entry.name} left`);
  }
  return problems;
}

/** Throws listing every inconsistency between the registry and the disk. */
export async function assertConsistent(ctx: TestContext, when = ""): Promise<void> {
  const problems = await inconsistencies(ctx);
  if (problems.length > 0) {
    throw new Error(
      `inconsistent home${when === "" ? "" : ` ${when}`}:\n  ${problems.join("\n  ")}`,
    );
  }
}

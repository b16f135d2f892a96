import { assert, assertEquals, assertRejects } from "../../tests/helpers/assert.ts";
import { join } from "node:path";
import { findInterpreter } from "../python/mod.ts";
import type { VirtualenvLayout } from "../virtualenv/mod.ts";
import { BUILD_ENVS_BUCKET, ensureBuildEnvironment, type InstallInto } from "./mod.ts";

/** A stand-in installer: writes a console script naming the env's python and a module. */
function fakeInstaller(calls: string[][]): InstallInto {
  return async (layout: VirtualenvLayout, requirements: string[]) => {
    calls.push(requirements);
    await Deno.writeTextFile(join(layout.binDir, "tool"), `#!${layout.python}\nprint(1)\n`);
    await Deno.writeTextFile(join(layout.sitePackages[0]!, "fake_backend.py"), "X = 1\n");
  };
}

async function bucketEntries(cacheRoot: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(join(cacheRoot, BUILD_ENVS_BUCKET))) names.push(e.name);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return names.sort();
}

const SCRIPT = `
import { ensureBuildEnvironment } from ${JSON.stringify(new URL("./mod.ts", import.meta.url).href)};
import { findInterpreter } from ${
  JSON.stringify(new URL("../python/mod.ts", import.meta.url).href)
};
await ensureBuildEnvironment(["fake-backend"], {
  interpreter: await findInterpreter(undefined),
  cacheRoot: Deno.args[0],
  installInto: async (layout) => { await Deno.writeTextFile(layout.root + "/half", ""); },
});
`;

Deno.test("ensureBuildEnvironment() never uses a half-made environment: a crash leaves debris the next build removes", async () => {
  const dir = await Deno.makeTempDir({ prefix: "gestvenv-build-env-" });
  try {
    const cacheRoot = join(dir, "cache");
    const script = join(dir, "crash.ts");
    await Deno.writeTextFile(script, SCRIPT);
    const crashed = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--config",
        new URL("../../deno.json", import.meta.url).pathname,
        script,
        cacheRoot,
      ],
      env: { GESTVENV_FAILPOINT: "build.env-filled:exit" },
      stdout: "null",
      stderr: "piped",
    }).output();
    assert(!crashed.success, "the failpoint killed the process");
    const debrisText = new TextDecoder().decode(crashed.stderr);
    const debris = (await bucketEntries(cacheRoot)).filter((n) => n.startsWith(".tmp-"));
    assertEquals(debris.length, 1, `the staging directory was left behind: ${debrisText}`);

    const calls: string[][] = [];
    const options = {
      interpreter: await findInterpreter(undefined),
      cacheRoot,
      installInto: fakeInstaller(calls),
    };
    const env = await ensureBuildEnvironment(["fake-backend"], options);
    assertEquals(env.reused, false);
    assertEquals(calls, [["fake-backend"]]);
    assertEquals(env.layout.root, join(cacheRoot, BUILD_ENVS_BUCKET, env.key));
    assertEquals(
      (await bucketEntries(cacheRoot)).filter((n) => n.startsWith(".tmp-")),
      [],
      "debris removed",
    );
    // Scripts were re-targeted from the staging directory to the final place.
    assertEquals(
      await Deno.readTextFile(join(env.layout.binDir, "tool")),
      `#!${env.layout.python}\nprint(1)\n`,
    );
    const out = await new Deno.Command(env.layout.python, {
      args: ["-c", "import fake_backend, sys; print(sys.prefix)"],
    }).output();
    assertEquals(new TextDecoder().decode(out.stdout).trim(), env.layout.root);

    const again = await ensureBuildEnvironment([" fake-backend", "fake-backend"], options);
    assertEquals(again.reused, true);
    assertEquals(again.key, env.key, "the set is normalized: trimmed, deduplicated");
    assertEquals(calls.length, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ensureBuildEnvironment() removes the environment when installInto fails", async () => {
  const dir = await Deno.makeTempDir({ prefix: "gestvenv-build-env-" });
  try {
    const cacheRoot = join(dir, "cache");
    await assertRejects(
      () =>
        findInterpreter(undefined).then((interpreter) =>
          ensureBuildEnvironment(["nope"], {
            interpreter,
            cacheRoot,
            installInto: () => Promise.reject(new Error("no such package: nope")),
          })
        ),
      Error,
      "no such package",
    );
    assertEquals(
      (await bucketEntries(cacheRoot)).filter((n) => !n.endsWith(".lock")),
      [],
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const RACE_SCRIPT = `
import { ensureBuildEnvironment } from ${JSON.stringify(new URL("./mod.ts", import.meta.url).href)};
import { findInterpreter } from ${
  JSON.stringify(new URL("../python/mod.ts", import.meta.url).href)
};
const env = await ensureBuildEnvironment(["fake-backend"], {
  interpreter: await findInterpreter(undefined),
  cacheRoot: Deno.args[0],
  installInto: async () => {
    await Deno.writeTextFile(Deno.args[1], Deno.pid + "\\n", { append: true });
  },
});
console.log(JSON.stringify({ root: env.layout.root, reused: env.reused }));
`;

Deno.test("ensureBuildEnvironment() in two processes at once fills the environment once", async () => {
  const dir = await Deno.makeTempDir({ prefix: "gestvenv-build-env-" });
  try {
    const script = join(dir, "race.ts");
    await Deno.writeTextFile(script, RACE_SCRIPT);
    const installs = join(dir, "installs.txt");
    const run = () =>
      new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          "--config",
          new URL("../../deno.json", import.meta.url).pathname,
          script,
          join(dir, "cache"),
          installs,
        ],
        // The first process holds the lock for a while after filling the environment.
        env: { GESTVENV_FAILPOINT: "build.env-filled:sleep:700" },
        stdout: "piped",
        stderr: "piped",
      }).output();
    const results = await Promise.all([run(), run()]);
    const answers = results.map((r) => {
      assert(r.success, new TextDecoder().decode(r.stderr));
      return JSON.parse(new TextDecoder().decode(r.stdout)) as { root: string; reused: boolean };
    });
    assertEquals(answers[0]!.root, answers[1]!.root);
    assertEquals(answers.map((a) => a.reused).sort(), [false, true]);
    assertEquals((await Deno.readTextFile(installs)).trim().split("\n").length, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

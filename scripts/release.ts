/**
 * Builds the release binaries with `deno compile` for every target, with exactly the permissions
 * gestvenv needs (never `-A`) and its V8 settings (`V8_FLAGS`, baked into the binary). Needs Deno's download server for the runtime of each target, so it
 * runs on release machines, not in this sandbox.
 *
 * Usage: `deno task compile [--target TRIPLE]` → `dist/gestvenv-<target>[.exe]`
 *
 * @module
 */
import { PERMISSION_FLAGS, V8_FLAGS } from "../commands/_self.ts";

/** Every target gestvenv ships for. */
export const TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
] as const;

if (import.meta.main) {
  const only = Deno.args.indexOf("--target");
  const targets = only >= 0 ? [Deno.args[only + 1]!] : [...TARGETS];
  let failed = 0;
  for (const target of targets) {
    const output = `dist/gestvenv-${target}${target.includes("windows") ? ".exe" : ""}`;
    const args = [
      "compile",
      ...V8_FLAGS,
      ...PERMISSION_FLAGS,
      "--target",
      target,
      "--output",
      output,
      "main.ts",
    ];
    Deno.stderr.writeSync(new TextEncoder().encode(`deno ${args.join(" ")}\n`));
    const status = await new Deno.Command(Deno.execPath(), {
      args,
      stdout: "inherit",
      stderr: "inherit",
    }).spawn().status;
    if (!status.success) failed++;
  }
  Deno.exit(failed === 0 ? 0 : 1);
}

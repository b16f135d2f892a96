import { buildCommand } from "npm:@stricli/core@1.3.0";
import { loadProfile } from "../../lib/config/mod.ts";
import {
  applyEnvironmentSetting,
  changeRegistry,
  ENVIRONMENT_SETTING_KEYS,
  type EnvironmentRecord,
  environmentSettings,
  getEnvironment,
} from "../../lib/environments/mod.ts";
import { EnvironmentNotFoundError, UsageError } from "../../lib/errors/mod.ts";
import {
  action,
  type CliContext,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { environmentFlag, examples, text } from "../_help.ts";
import { showValue } from "../config/_keys.ts";

interface ApplyFlags extends GlobalFlags {
  readonly toEnv: string;
}

/** One environment setting a profile changes. */
interface Change {
  key: string;
  before: unknown;
  after: unknown;
}

/**
 * The profile's environment-level settings (`backend`, `auto_sync`, … of `config set-env`) as
 * the text `config set-env` takes; `backend = "auto"` is `native`.
 */
function environmentValues(settings: Record<string, unknown>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const key of ENVIRONMENT_SETTING_KEYS) {
    const value = settings[key];
    if (value === undefined) continue;
    const raw = Array.isArray(value) ? value.join(",") : String(value);
    out.push([key, key === "backend" && raw === "auto" ? "native" : raw]);
  }
  return out;
}

/** Applies `values` to `record` and says what changed. */
function applyAll(record: EnvironmentRecord, values: Array<[string, string]>): Change[] {
  const view = (key: string) => environmentSettings(record).find((v) => v.key === key)?.value;
  const changes: Change[] = [];
  for (const [key, raw] of values) {
    const before = view(key);
    applyEnvironmentSetting(record, key, raw);
    const after = view(key);
    if (JSON.stringify(before) !== JSON.stringify(after)) changes.push({ key, before, after });
  }
  return changes;
}

/** `gestvenv profile apply NAME --to-env ENV`: a profile's settings kept by one environment. */
export const profileApplyCommand = buildCommand<ApplyFlags, [string], CliContext>({
  docs: {
    brief: "Write a profile's environment-level settings into one environment's record",
    fullDescription: examples([
      ["gestvenv profile apply fast --to-env web", "web uses the native backend"],
      ["gestvenv profile apply dev --to-env web --dry-run", "what would change"],
    ]) +
      `\nThe environment-level keys are those of \`config set-env\`: ${
        ENVIRONMENT_SETTING_KEYS.join(", ")
      };` +
      "\nthe profile's other keys stay global (`profile activate`).",
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      toEnv: { ...environmentFlag("The environment to write the settings into"), optional: false },
    },
    aliases: GLOBAL_ALIASES,
    positional: { kind: "tuple", parameters: [text("Profile name", "name")] },
  },
  func: action("profile apply", async (ctx, flags: ApplyFlags, name: string) => {
    const profile = await loadProfile(ctx.home, name);
    const values = environmentValues(profile.settings as Record<string, unknown>);
    if (values.length === 0) {
      throw new UsageError(`The profile ${name} has no environment-level setting`, {
        hint: `Environment-level keys: ${ENVIRONMENT_SETTING_KEYS.join(", ")}; ` +
          `use \`gestvenv profile activate ${name}\` for the others`,
      });
    }
    const env = ctx.environments();
    const target = flags.toEnv;
    ctx.oplog.environment(target);
    // Checked on a copy first: a bad value changes nothing.
    const planned = applyAll(structuredClone(await getEnvironment(env, target)), values);
    const verb = ctx.dryRun ? "Would set" : "Set";
    if (!ctx.dryRun && planned.length > 0) {
      await changeRegistry(env, (registry) => {
        const record = registry.environments.get(target);
        if (record === undefined) throw new EnvironmentNotFoundError(target);
        return applyAll(record, values);
      });
    }
    if (planned.length === 0) {
      ctx.printer.info(`\`${target}\` already has the profile ${name}'s settings`);
      return;
    }
    for (const c of planned) {
      ctx.printer.info(
        `${verb} ${c.key} for \`${target}\`: ${
          c.before === undefined ? "(unset)" : showValue(c.before)
        } → ${showValue(c.after)}`,
      );
    }
    if (!ctx.dryRun) ctx.printer.success(`Profile ${name} applied to \`${target}\``);
  }, { effect: "changes" }),
});

/** gestvenv's version, kept equal to `version` in deno.json (checked by scripts/check_layout.ts). */
export const VERSION = "0.1.0";

/**
 * `{{NAME}}` placeholder rendering for peer configuration files (Kamailio .cfg templates).
 *
 * Kamailio's own preprocessor (`#!define`, `#!subst`) could do this, but rendering in node keeps
 * the rendered file on disk for a human to read after a failure, and an unknown or unused
 * placeholder is an error here rather than a silently wrong config.
 */

/** Values for a template; numbers are written in decimal. */
export type TemplateVars = Record<string, string | number>;

/** `{{NAME}}` or `{{NAME=default}}` (the default may not contain `}`). */
const PLACEHOLDER = /\{\{([A-Z][A-Z0-9_]*)(?:=([^}]*))?\}\}/g;

/**
 * Replaces every `{{NAME}}` with `vars.NAME`, and `{{NAME=default}}` with `vars.NAME` or the
 * default. Throws when the template uses a name that has no value and no default, so a typo in a
 * config cannot reach Kamailio as a literal `{{PORT}}`.
 */
export function renderTemplate(template: string, vars: TemplateVars): string {
  const missing = new Set<string>();
  const out = template.replace(PLACEHOLDER, (_m, name: string, fallback: string | undefined) => {
    const v = vars[name] ?? fallback;
    if (v === undefined) {
      missing.add(name);
      return '';
    }
    return String(v);
  });
  if (missing.size > 0) throw new Error(`template placeholders without a value: ${[...missing].join(', ')}`);
  return out;
}

/** The placeholder names a template uses (for documentation and tests). */
export function templatePlaceholders(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]))];
}

/**
 * The upload form's environment variables: one `NAME=value` per line (blank lines and `#` comments
 * skipped), sent as the `env_vars` JSON object. The server enforces the limits; this only parses.
 */
export function parseEnvVars(text: string): { vars: Record<string, string>; error: string | null } {
  const vars: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line || line.startsWith('#')) {
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) {
      return { vars: {}, error: `line ${i + 1}: expected NAME=value` };
    }
    const name = line.slice(0, eq).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      return { vars: {}, error: `line ${i + 1}: "${name}" is not a variable name` };
    }
    if (name in vars) {
      return { vars: {}, error: `line ${i + 1}: ${name} is given twice` };
    }
    vars[name] = line.slice(eq + 1).trim();
  }
  return { vars, error: null };
}

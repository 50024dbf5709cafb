// Minimal YAML emitter for the LiveKit server config: maps, lists, strings, numbers, booleans.
// Strings are written as JSON strings, which are valid YAML double-quoted scalars, so no value
// (a secret with ':' or '#', an address) can change meaning. Avoids a YAML dependency for ~40 lines.

export type YamlValue = string | number | boolean | readonly YamlValue[] | { readonly [key: string]: YamlValue };

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

export function toYaml(value: YamlValue): string {
  if (!isMap(value)) throw new TypeError('toYaml: the document root must be a map');
  return renderMap(value, 0).join('\n') + '\n';
}

function renderMap(map: { readonly [key: string]: YamlValue }, indent: number): string[] {
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  for (const [key, v] of Object.entries(map)) {
    const k = PLAIN_KEY.test(key) ? key : JSON.stringify(key);
    if (isMap(v) && Object.keys(v).length > 0) lines.push(`${pad}${k}:`, ...renderMap(v, indent + 2));
    else if (Array.isArray(v) && v.length > 0) lines.push(`${pad}${k}:`, ...renderList(v, indent + 2));
    else lines.push(`${pad}${k}: ${scalar(v, key)}`);
  }
  return lines;
}

function renderList(list: readonly YamlValue[], indent: number): string[] {
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  for (const item of list) {
    if (isMap(item) && Object.keys(item).length > 0) {
      const [first, ...rest] = renderMap(item, indent + 2);
      lines.push(`${pad}- ${first!.trimStart()}`, ...rest);
    } else if (Array.isArray(item) && item.length > 0) {
      throw new TypeError('toYaml: nested lists are not supported');
    } else lines.push(`${pad}- ${scalar(item, '[]')}`);
  }
  return lines;
}

function scalar(v: YamlValue, key: string): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new TypeError(`toYaml: ${key} must be a finite number`);
    return String(v);
  }
  if (Array.isArray(v)) return '[]';
  if (isMap(v)) return '{}';
  throw new TypeError(`toYaml: ${key} has an unsupported value`);
}

function isMap(v: unknown): v is { readonly [key: string]: YamlValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

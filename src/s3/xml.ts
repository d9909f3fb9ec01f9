/**
 * The few values S3's XML answers carry (ListObjectsV2, Error), read without an XML library: the
 * elements are flat, never nested in themselves, and their text is escaped with the five XML
 * entities and numeric references.
 */
export function xmlValues(xml: string, tag: string): string[] {
  const values: string[] = [];
  const pattern = patternOf(tag, '[^<]*');
  for (let m = pattern.exec(xml); m !== null; m = pattern.exec(xml)) values.push(unescapeXml(m[1]));
  return values;
}

/** The first value of `tag`, or `undefined`. */
export function xmlValue(xml: string, tag: string): string | undefined {
  return xmlValues(xml, tag)[0];
}

/** The text of every `<tag>…</tag>` block, for reading each `<Contents>` apart. */
export function xmlBlocks(xml: string, tag: string): string[] {
  const blocks: string[] = [];
  const pattern = patternOf(tag, '[\\s\\S]*?');
  for (let m = pattern.exec(xml); m !== null; m = pattern.exec(xml)) blocks.push(m[1]);
  return blocks;
}

/** Patterns by tag, made once: a listing page asks for the same four tags of 1,000 objects. */
const patterns = new Map<string, RegExp>();

function patternOf(tag: string, inner: string): RegExp {
  const name = `${tag} ${inner}`;
  let pattern = patterns.get(name);
  if (!pattern) patterns.set(name, (pattern = new RegExp(`<${tag}>(${inner})</${tag}>`, 'g')));
  pattern.lastIndex = 0;
  return pattern;
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|amp|lt|gt|quot|apos);/gi, (whole, name: string) => {
    if (name[0] !== '#') return entities[name.toLowerCase()] ?? whole;
    const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

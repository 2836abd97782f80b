/**
 * The token list of a NeMo / sherpa-onnx / onnx-asr export (`tokens.txt` or `vocab.txt`): one `<token> <id>`
 * per line. SentencePiece marks a word start with `▁` (U+2581); `<blk>` is the CTC/transducer blank; byte
 * fallback pieces such as `<0x20>` stand for single UTF-8 bytes.
 */

export interface Vocabulary {
  /** Token text by id. */
  readonly tokens: readonly string[];
  /** Id of `<blk>`, or null when the list has none (NeMo then uses the id after the last token). */
  readonly blankId: number | null;
}

const WORD_START = '\u2581';
const BYTE_TOKEN = /^<0x([0-9A-Fa-f]{2})>$/;
// Control pieces (<unk>, <s>, <pad>, <blk>, <|en|> …) are not text.
const CONTROL_TOKEN = /^<[^<>\s]+>$/;
const BLANK_NAMES = new Set(['<blk>', '<blank>']);

/** Parses a token list; `source` names the file in error messages. */
export function parseTokens(text: string, source = 'tokens.txt'): Vocabulary {
  const byId = new Map<number, string>();
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    if (raw.trim() === '') return;
    // The id is the last field; the token is everything before the last space (a token never holds one,
    // but "▁" alone or punctuation are common, so split on the last space only).
    const cut = raw.lastIndexOf(' ');
    const token = cut > 0 ? raw.slice(0, cut) : '';
    const idText = raw.slice(cut + 1).trim();
    if (token === '' || !/^\d+$/.test(idText)) {
      throw new Error(`${source} line ${index + 1} is not "<token> <id>": ${JSON.stringify(raw)}`);
    }
    const id = Number(idText);
    if (byId.has(id)) throw new Error(`${source} line ${index + 1}: id ${id} appears twice`);
    byId.set(id, token);
  });
  if (byId.size === 0) throw new Error(`${source} has no tokens`);
  const tokens: string[] = [];
  for (let id = 0; id < byId.size; id++) {
    const token = byId.get(id);
    if (token === undefined) throw new Error(`${source}: ids must run 0..${byId.size - 1}, ${id} is missing`);
    tokens.push(token);
  }
  const blank = tokens.findIndex((t) => BLANK_NAMES.has(t));
  return { tokens, blankId: blank >= 0 ? blank : null };
}

/** Ids → text: byte pieces become bytes, `▁` a space, control pieces vanish, spaces are collapsed. */
export function detokenize(vocab: Vocabulary, ids: readonly number[]): string {
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (const id of ids) {
    const token = vocab.tokens[id];
    if (token === undefined)
      throw new RangeError(`token id ${id} is outside the vocabulary (${vocab.tokens.length})`);
    const byte = BYTE_TOKEN.exec(token);
    if (byte?.[1] !== undefined) {
      bytes.push(parseInt(byte[1], 16));
      continue;
    }
    if (CONTROL_TOKEN.test(token)) continue;
    for (const b of encoder.encode(token.replaceAll(WORD_START, ' '))) bytes.push(b);
  }
  // Byte pieces of one character arrive in a row; decoding all bytes at once reassembles them.
  const text = new TextDecoder('utf-8').decode(new Uint8Array(bytes));
  return text.replace(/\s+/g, ' ').trim();
}

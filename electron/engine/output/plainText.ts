/**
 * Typed text is text. A typing tool turns "\n" into Enter and ESC into Escape, and a terminal that gets a
 * pasted newline runs the line: a transcript (or a model's output, or a history entry someone edited) must
 * never send keys. Line breaks and tabs become one space, every other control character (C0, DEL, C1) is
 * removed, and so are the invisible bidirectional overrides that make text read differently than it types.
 */
const WHITESPACE_CONTROLS = /[\t\n\v\f\r\u0085\u2028\u2029]+/g;
const OTHER_CONTROLS = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu;

export function plainText(text: string): string {
  return text.replace(WHITESPACE_CONTROLS, ' ').replace(OTHER_CONTROLS, '');
}

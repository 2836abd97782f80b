import { describe, expect, it } from 'vitest';
import { detokenize, parseTokens } from '../../../electron/engine/stt/tokens';

describe('parseTokens', () => {
  it('reads "<token> <id>" lines and finds the blank', () => {
    const v = parseTokens('<unk> 0\n▁the 1\ns 2\n▁ 3\n<blk> 4\n');
    expect(v.tokens).toEqual(['<unk>', '▁the', 's', '▁', '<blk>']);
    expect(v.blankId).toBe(4);
  });

  it('accepts lines out of order, CRLF and a missing blank', () => {
    const v = parseTokens('b 1\r\na 0\r\n');
    expect(v.tokens).toEqual(['a', 'b']);
    expect(v.blankId).toBeNull();
  });

  it('names the file and line of a bad entry', () => {
    expect(() => parseTokens('a 0\nbroken\n', '/m/tokens.txt')).toThrow(
      '/m/tokens.txt line 2 is not "<token> <id>"',
    );
    expect(() => parseTokens('a 0\nb 0\n', 'vocab.txt')).toThrow('vocab.txt line 2: id 0 appears twice');
    expect(() => parseTokens('a 0\nb 2\n', 'vocab.txt')).toThrow('ids must run 0..1, 1 is missing');
    expect(() => parseTokens('\n\n', 'vocab.txt')).toThrow('vocab.txt has no tokens');
  });
});

describe('detokenize', () => {
  const v = parseTokens(
    ['▁hello', '▁wor', 'ld', '▁', '<0x21>', '<0xC3>', '<0xA9>', '<unk>', '▁café', '<blk>', ',']
      .map((t, i) => `${t} ${i}`)
      .join('\n'),
  );

  it('joins pieces, turns ▁ into spaces, trims and collapses them', () => {
    expect(detokenize(v, [0, 1, 2])).toBe('hello world');
    expect(detokenize(v, [3, 3, 0, 3, 3, 1, 2, 3])).toBe('hello world');
    expect(detokenize(v, [0, 10, 1, 2])).toBe('hello, world');
  });

  it('turns byte-fallback pieces into UTF-8 text, multi-byte characters included', () => {
    expect(detokenize(v, [0, 4])).toBe('hello!');
    expect(detokenize(v, [3, 5, 6])).toBe('é');
    expect(detokenize(v, [8])).toBe('café');
  });

  it('drops control pieces (<unk>, <blk>) and gives "" for nothing', () => {
    expect(detokenize(v, [0, 7, 9, 1, 2])).toBe('hello world');
    expect(detokenize(v, [])).toBe('');
  });

  it('rejects an id outside the vocabulary', () => {
    expect(() => detokenize(v, [11])).toThrow('token id 11 is outside the vocabulary (11)');
  });
});

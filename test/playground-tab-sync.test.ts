// How two tabs of the playground merge the workflow texts: demo/src/tab-sync.ts, pure code.
import { describe, expect, it } from 'vitest';
import { mergeTexts } from '../demo/src/tab-sync.js';

const texts = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe('mergeTexts', () => {
  it("takes the other tab's edits when this tab changed nothing", () => {
    const merged = mergeTexts(texts({ 'a.toml': '1' }), texts({ 'a.toml': '1' }), texts({ 'a.toml': '2', 'b.toml': 'new' }));
    expect(merged).toEqual({ files: texts({ 'a.toml': '2', 'b.toml': 'new' }), fromOthers: ['a.toml', 'b.toml'], conflicts: [], local: false });
  });

  it('keeps the edits of both tabs to different files, and deletions of either', () => {
    const base = texts({ 'a.toml': '1', 'b.toml': '1', 'c.toml': '1' });
    const merged = mergeTexts(base, texts({ 'a.toml': 'mine', 'b.toml': '1' }), texts({ 'a.toml': '1', 'b.toml': 'theirs', 'c.toml': '1' }));
    expect(merged.files).toEqual(texts({ 'a.toml': 'mine', 'b.toml': 'theirs' }));
    expect(merged.local).toBe(true);
    expect(merged.fromOthers).toEqual(['b.toml']);
  });

  it('keeps both texts when both tabs changed one file, the other tab\'s under its name', () => {
    const merged = mergeTexts(texts({ 'g/a.toml': '1' }), texts({ 'g/a.toml': 'mine' }), texts({ 'g/a.toml': 'theirs', 'g/a-conflict.toml': 'x' }));
    expect(merged.files).toEqual(texts({ 'g/a.toml': 'theirs', 'g/a-conflict.toml': 'x', 'g/a-conflict-2.toml': 'mine' }));
    expect(merged.conflicts).toEqual([{ key: 'g/a.toml', copy: 'g/a-conflict-2.toml' }]);
  });

  it('keeps a file this tab edited that the other tab deleted, under its name', () => {
    const merged = mergeTexts(texts({ 'a.toml': '1' }), texts({ 'a.toml': 'mine' }), texts({}));
    expect(merged).toEqual({ files: texts({ 'a.toml': 'mine' }), fromOthers: [], conflicts: [], local: true });
  });
});

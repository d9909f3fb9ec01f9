import { describe, expect, it } from 'vitest';
import { ChangeJournal } from '../src/change-journal.js';

describe('the paths a watcher notes for the next refresh', () => {
  it('are all looked at by a full refresh first: a new journal hands over nothing', () => {
    expect(new ChangeJournal().look().paths).toBeUndefined();
  });

  it('noted during a full refresh, after it listed, are handed to the refresh after it', () => {
    const journal = new ChangeJournal();
    const full = journal.look();
    journal.note('team'); // a folder made after the full refresh listed
    journal.done(full.mark);
    expect(journal.look().paths).toEqual(['team']);
  });

  it('handed to a refresh that is done are forgotten, and those noted meanwhile kept', () => {
    const journal = new ChangeJournal();
    journal.done(journal.look().mark);
    journal.note('a.toml');
    const look = journal.look();
    journal.note('b.toml');
    journal.done(look.mark);
    expect(journal.look().paths).toEqual(['b.toml']);
  });
});

// topic(), job(), isEmpty() and emptyPhase(): Go's Phase.Topic, Phase.Job and IsEmpty.
import { describe, expect, it } from 'vitest';
import { emptyPhase, isEmpty, job, topic, type Phase } from '../src/index.node.js';

const phase = (p: Partial<Phase>): Phase => ({ ...emptyPhase(), ...p });

describe('topic()', () => {
  it('is the whole task when it has no job', () => {
    expect(topic(phase({ task: 'load' }))).toBe('load');
  });

  it('is the part before the colon', () => {
    expect(topic(phase({ task: 'load:hourly' }))).toBe('load');
  });
});

describe('job()', () => {
  it('is the part of the task after the colon', () => {
    expect(job(phase({ task: 'load:hourly' }))).toBe('hourly');
  });

  it("is the rule's job= value when the task has no job", () => {
    expect(job(phase({ task: 'load', rule: 'cron=0 * * * *&job=hourly' }))).toBe('hourly');
  });

  it("prefers the task's job over the rule's", () => {
    expect(job(phase({ task: 'load:daily', rule: 'job=hourly' }))).toBe('daily');
  });

  it("is '' when neither task nor rule names one", () => {
    expect(job(phase({ task: 'load', rule: 'cron=0 * * * *' }))).toBe('');
  });

  it('reads the rule as a query string, unescaping its value', () => {
    expect(job(phase({ task: 'load', rule: 'job=a%20b' }))).toBe('a b');
  });
});

describe('emptyPhase() and isEmpty()', () => {
  it('has all strings blank and retry 0', () => {
    expect(emptyPhase()).toEqual({ task: '', rule: '', dependsOn: '', retry: 0, template: '' });
  });

  it('gives a new object each time, so a caller cannot spoil the next', () => {
    const first = emptyPhase();
    first.task = 'changed';
    expect(emptyPhase().task).toBe('');
  });

  it('finds the empty phase empty', () => {
    expect(isEmpty(emptyPhase())).toBe(true);
  });

  it('ignores retry, as Go does', () => {
    expect(isEmpty(phase({ retry: 3 }))).toBe(true);
  });

  it('finds a phase with any string set not empty', () => {
    expect(isEmpty(phase({ template: '?x=1' }))).toBe(false);
  });
});

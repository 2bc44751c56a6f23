import { describe, expect, it } from 'vitest';
import { EdgeflowError, isEdgeflowError } from '../../src/core/errors.js';
import { newExperimentId, newRunId, parseExperimentId, parseRunId } from '../../src/core/ids.js';
import { randomRunName } from '../../src/core/run-names.js';

describe('EdgeflowError', () => {
  it('round-trips through JSON with code, message and details, and keeps instanceof', () => {
    const error = EdgeflowError.resourceDoesNotExist('Run with id=x not found', { details: { runId: 'x' } });
    const json = JSON.parse(JSON.stringify(error.toJSON()));
    expect(json).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Run with id=x not found', details: { runId: 'x' } });
    const back = EdgeflowError.fromJSON(json);
    expect(back).toBeInstanceOf(EdgeflowError);
    expect(back).toBeInstanceOf(Error);
    expect(back.code).toBe('RESOURCE_DOES_NOT_EXIST');
    expect(back.httpStatus).toBe(404);
    expect(isEdgeflowError(back, 'RESOURCE_DOES_NOT_EXIST')).toBe(true);
    expect(isEdgeflowError(back, 'INTERNAL_ERROR')).toBe(false);
    expect(isEdgeflowError(new Error('plain'))).toBe(false);
  });

  it('keeps the cause of mapped platform errors', () => {
    const cause = new Error('QuotaExceededError');
    const error = EdgeflowError.resourceExhausted('Storage is full', { cause });
    expect(error.cause).toBe(cause);
    expect(error.code).toBe('RESOURCE_EXHAUSTED');
  });

  const factories = [
    ['invalidParameterValue', 'INVALID_PARAMETER_VALUE'],
    ['resourceDoesNotExist', 'RESOURCE_DOES_NOT_EXIST'],
    ['resourceAlreadyExists', 'RESOURCE_ALREADY_EXISTS'],
    ['invalidState', 'INVALID_STATE'],
    ['resourceExhausted', 'RESOURCE_EXHAUSTED'],
    ['internalError', 'INTERNAL_ERROR'],
  ] as const;

  it('lists every static factory of EdgeflowError in the table below', () => {
    const statics = Object.getOwnPropertyNames(EdgeflowError).filter(
      (name) => typeof (EdgeflowError as unknown as Record<string, unknown>)[name] === 'function' && name !== 'fromJSON',
    );
    expect(statics.sort()).toEqual(factories.map(([factory]) => factory).sort());
  });

  it.each(factories)('EdgeflowError.%s takes {details, cause} and keeps each where it belongs', (factory, code) => {
    const cause = new Error('platform failure');
    const details = { field: 'name', value: 'x' };
    const both = EdgeflowError[factory]('Bad name', { details, cause });
    expect(both).toBeInstanceOf(EdgeflowError);
    expect([both.code, both.message, both.details, both.cause]).toEqual([code, 'Bad name', details, cause]);
    expect(both.toJSON()).toEqual({ name: 'EdgeflowError', error_code: code, message: 'Bad name', details, stack: both.stack });

    const detailsOnly = EdgeflowError[factory]('Bad name', { details });
    expect(detailsOnly.details).toEqual(details);
    expect('cause' in detailsOnly).toBe(false);

    const causeOnly = EdgeflowError[factory]('Bad name', { cause });
    expect(causeOnly.cause).toBe(cause);
    expect(causeOnly.details).toBeUndefined();
    expect('details' in causeOnly.toJSON()).toBe(false);

    const bare = EdgeflowError[factory]('Bad name');
    expect([bare.code, bare.details, 'cause' in bare]).toEqual([code, undefined, false]);
  });
});

describe('ids', () => {
  it('makes run ids as uuid4().hex and experiment ids of 18 digits', () => {
    const runIds = new Set(Array.from({ length: 200 }, () => newRunId()));
    expect(runIds.size).toBe(200);
    for (const id of runIds) expect(id).toMatch(/^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$/u);
    for (let i = 0; i < 200; i++) expect(newExperimentId()).toMatch(/^[1-9]\d{17}$/u);
  });

  it('parses ids by MLflow rules', () => {
    expect(parseRunId('abc-DEF_1')).toBe('abc-DEF_1');
    expect(parseExperimentId(7)).toBe('7');
    expect(() => parseRunId('-abc')).toThrow(EdgeflowError);
    expect(() => parseRunId('a'.repeat(257))).toThrow(EdgeflowError);
    expect(() => parseExperimentId('a'.repeat(65))).toThrow(EdgeflowError);
    expect(() => parseExperimentId('../0')).toThrow(/Invalid experiment ID/u);
  });
});

describe('randomRunName', () => {
  it('follows MLflow’s <adjective>-<noun>-<0..1000> format within 20 characters', () => {
    for (let i = 0; i < 500; i++) {
      const name = randomRunName();
      expect(name).toMatch(/^[a-z]+-[a-z]+-(\d|[1-9]\d{1,2}|1000)$/u);
      expect(name.length).toBeLessThanOrEqual(20);
    }
  });
});

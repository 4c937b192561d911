import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { VALIDATION_OPTIONS } from '../../validation-options';
import { jsonShapeProblem } from '../json-shape';

/**
 * What a JSON body goes through before a controller sees it, without Nest (Jest cannot load Nest 12's
 * ESM): the body parser (strict JSON: an object or an array), the edge's shape check (json-shape.ts),
 * then what the global ValidationPipe does with it (strip prototype keys, class-transformer
 * plainToInstance, class-validator validate with the app's options, messages flattened as
 * "parent.child message"). The wire test (test/http-input-fuzz.test.ts) checks the real pipe.
 */
export type Stage = 'json' | 'shape' | 'pipe' | 'check';
export type Outcome<T> = { ok: true; dto: T; parsed: unknown } | { ok: false; stage: Stage; messages: string[] };

const { transform: _transform, ...validatorOptions } = VALIDATION_OPTIONS;

/** Nest's stripProtoKeys: these keys are deleted, at any depth, before validation (never refused). */
export const STRIPPED_KEYS = ['__proto__', 'prototype', 'constructor'];

function stripProtoKeys(value: unknown): void {
  const stack = [value];
  while (stack.length > 0) {
    const cur = stack.pop();
    if (cur === null || typeof cur !== 'object') continue;
    if (Array.isArray(cur)) stack.push(...(cur as unknown[]));
    else {
      const o = cur as Record<string, unknown>;
      for (const k of STRIPPED_KEYS) delete o[k];
      stack.push(...Object.values(o));
    }
  }
}

function flatten(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((e) => {
    const path = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) => (parent ? `${parent}.${m}` : m));
    return [...own, ...flatten(e.children ?? [], path)];
  });
}

/** The parsed body, or why the body parser and the edge refuse it. */
export function parseBody(text: string): { ok: true; body: unknown } | { ok: false; stage: Stage; messages: string[] } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    return { ok: false, stage: 'json', messages: [`request body: ${(e as Error).message}`] };
  }
  if (typeof body !== 'object' || body === null) return { ok: false, stage: 'json', messages: ['request body: strict JSON is an object or an array'] };
  const shape = jsonShapeProblem(body);
  if (shape !== null) return { ok: false, stage: 'shape', messages: [shape] };
  return { ok: true, body };
}

export class CheckRefusal extends Error {}

/**
 * `after` runs what the controller checks by hand once the pipe has passed the DTO; it refuses by
 * throwing `refusal` (the error class the controller maps to 400). Anything else thrown escapes: a bug.
 */
export async function throughPipe<T extends object>(cls: new () => T, text: string, after: (dto: T) => void, refusal: new (...a: never[]) => Error): Promise<Outcome<T>> {
  const p = parseBody(text);
  if (!p.ok) return p;
  const parsed = p.body;
  stripProtoKeys(parsed);
  if (Array.isArray(parsed)) return { ok: false, stage: 'pipe', messages: ['body: Validation failed (object is expected)'] };
  const dto = plainToInstance(cls, parsed);
  const errors = await validate(dto, { ...validatorOptions, forbidUnknownValues: false, validationError: { target: false } });
  if (errors.length > 0) return { ok: false, stage: 'pipe', messages: flatten(errors) };
  try {
    after(dto);
  } catch (e) {
    if (e instanceof refusal) return { ok: false, stage: 'check', messages: [e.message] };
    throw e;
  }
  return { ok: true, dto, parsed };
}

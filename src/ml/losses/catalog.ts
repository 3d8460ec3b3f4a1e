/**
 * What every function of the math core is, without its implementation, read from the definitions
 * (definitions/, one file per function): lookup by `fn` id, parameter validation with messages that
 * name the choices, defaults, and the parameters as form fields. Free of TF.js so the UI can build
 * its forms from it; registry.ts binds the code.
 */
import type { z } from 'zod';
import type { AnyLossDefinition, LossDefinition, ParamSchema } from './define';
import { DEFINITIONS } from './definitions';

export type { FunctionKind, InputSpec } from './define';

export type CatalogEntry = AnyLossDefinition;

export const CATALOG: readonly CatalogEntry[] = DEFINITIONS;

const BY_ID = new Map(CATALOG.map((entry) => [entry.id, entry]));

/** The definition of `name`, or undefined. */
export function findEntry(name: string): CatalogEntry | undefined {
  return BY_ID.get(name);
}

export function catalogEntry(name: string): CatalogEntry {
  const entry = BY_ID.get(name);
  if (!entry) {
    throw new Error(
      `Unknown function '${name}'. Valid names: ${CATALOG.map((e) => e.id).join(', ')}.`,
    );
  }
  return entry;
}

/** The losses (kind `loss`, the FairKL regulariser included), for pickers. */
export function listLosses(): CatalogEntry[] {
  return CATALOG.filter((e) => e.kind === 'loss');
}

/** The losses a training config may name: those that say how a batch feeds them. */
export function listTrainable(): CatalogEntry[] {
  return CATALOG.filter((e) => e.training);
}

/** Validated parameters with defaults filled in; the error names the function, the field and the choices. */
export function parseParams(name: string, params: unknown): Record<string, unknown> {
  return parseDefinitionParams(catalogEntry(name), params);
}

/** parseParams with the schema's own output type (what an implementation receives). */
export function parseDefinitionParams<S extends ParamSchema>(
  definition: LossDefinition<string, S>,
  params: unknown,
): z.output<S> {
  const name = definition.id;
  const result = definition.schema.safeParse(params ?? {});
  if (result.success) return result.data;
  const valid = Object.keys(definition.schema.parse({}));
  const problems = result.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return `unknown parameter ${issue.keys.map((k) => `'${k}'`).join(', ')} (valid: ${valid.join(', ') || 'none'})`;
    }
    return `'${issue.path.join('.')}': ${issue.message}`;
  });
  throw new Error(`Invalid parameters for '${name}': ${problems.join('; ')}.`);
}

/** Every parameter a function's schema knows, optional ones included. */
export function paramKeys(name: string): string[] {
  const schema = catalogEntry(name).schema as unknown as { shape?: Record<string, unknown> };
  return Object.keys(schema.shape ?? {});
}

export function defaultParams(name: string): Record<string, unknown> {
  return catalogEntry(name).schema.parse({});
}

/** How the UI renders one parameter of a function. */
export type ParamField =
  | {
      key: string;
      kind: 'number';
      default: number | null;
      nullable: boolean;
      integer: boolean;
      min?: number;
    }
  | { key: string; kind: 'boolean'; default: boolean }
  | {
      key: string;
      kind: 'choice';
      default: string | number | null;
      options: (string | number)[];
      nullable: boolean;
    };

interface ZodDefLike {
  type: string;
  innerType?: { def: ZodDefLike };
  values?: (string | number)[];
  entries?: Record<string, string>;
  checks?: { _zod?: { def?: { check?: string; value?: number; format?: string } } }[];
}

/** The parameters of a function as form fields, read from its schema (fixed literals are left out). */
export function paramFields(name: string): ParamField[] {
  const schema = catalogEntry(name).schema as unknown as {
    shape?: Record<string, { def: ZodDefLike }>;
  };
  const defaults = defaultParams(name);
  const fields: ParamField[] = [];
  for (const [key, node] of Object.entries(schema.shape ?? {})) {
    if (key === 'lambda_effective') continue; // reported by the vectors, never set
    let def = node.def;
    let nullable = false;
    while (['default', 'nullable', 'optional'].includes(def.type) && def.innerType) {
      if (def.type === 'nullable') nullable = true;
      def = def.innerType.def;
    }
    const value = defaults[key];
    if (def.type === 'number') {
      const checks = (def.checks ?? []).map((c) => c._zod?.def ?? {});
      const min = checks.find((c) => c.check === 'greater_than')?.value;
      const integer = checks.some((c) => c.format === 'safeint' || c.check === 'number_format');
      fields.push({
        key,
        kind: 'number',
        default: (value as number | null) ?? null,
        nullable,
        integer,
        ...(min !== undefined ? { min } : {}),
      });
    } else if (def.type === 'boolean') {
      fields.push({ key, kind: 'boolean', default: value as boolean });
    } else if (def.type === 'enum') {
      const options = Object.values(def.entries ?? {});
      fields.push({
        key,
        kind: 'choice',
        default: (value as string | null) ?? null,
        options,
        nullable,
      });
    }
  }
  return fields;
}

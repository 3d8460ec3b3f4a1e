/**
 * The formula of a loss for one set of parameters, assembled from its definition's `formula`
 * (definitions/): the LaTeX, the parameters listed with their current values and the citation.
 * Plain data and strings only: no DOM, no TF.js; components/LossFormula renders it with KaTeX.
 */
import type { z } from 'zod';
import type { LossDefinition, ParamSchema } from './define';
import { CATALOG, findEntry } from './catalog';
import { definition as fairkl, FAIRKL_TEX } from './definitions/fairkl';
import { texNumber, texValue } from './tex';

export interface FormulaParam {
  key: string;
  /** LaTeX symbol, e.g. `\tau_b`. */
  symbol: string;
  /** LaTeX value, e.g. `0.07` or `\text{yes}`. */
  value: string;
  /** What the parameter does, in words. */
  meaning: string;
}

export interface LossFormulaSpec {
  loss: string;
  variant?: string;
  title: string;
  tex: string;
  where: string[];
  params: FormulaParam[];
  derived: string[];
  note: string;
  /** Paper and spec section: the definition's citation without the code reference. */
  citation: string;
}

export interface RegularizerSpec {
  name: 'fairkl';
  weight: number;
  temperature?: number;
  kld?: number;
}

/** The ids of the functions that have a formula. */
export function formulaLosses(): string[] {
  return CATALOG.filter((entry) => entry.formula).map((entry) => entry.id);
}

/** `Authors, Venue Year; code … (spec X §n)` → `Authors, Venue Year (spec X §n)`. */
export function shortCitation(citation: string): string {
  const paper = citation.split(';')[0]!.trim();
  const spec = /\(spec [^)]*\)\s*$/.exec(citation)?.[0];
  return spec && !paper.endsWith(spec) ? `${paper} ${spec}` : paper;
}

/**
 * The parameters as the formula sees them: validated, defaults filled in. A value the schema
 * refuses (a field being edited) or does not know shows its default instead.
 */
export function formulaParams<S extends ParamSchema>(
  definition: LossDefinition<string, S>,
  params: Record<string, unknown>,
): z.output<S> {
  const given = Object.fromEntries(
    Object.entries(params).filter(([key, value]) => value !== undefined && key !== 'name'),
  );
  const first = definition.schema.safeParse(given);
  if (first.success) return first.data;
  const bad = new Set(
    first.error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys' ? issue.keys : [String(issue.path[0])],
    ),
  );
  const kept = Object.fromEntries(Object.entries(given).filter(([key]) => !bad.has(key)));
  const second = definition.schema.safeParse(kept);
  return second.success ? second.data : definition.schema.parse({});
}

/** Parameters of `loss` as formulaParams reads them; {} for an unknown loss. */
export function withDefaults(
  loss: string,
  params: Record<string, unknown> = {},
): Record<string, unknown> {
  const definition = findEntry(loss);
  return definition ? formulaParams(definition, params) : {};
}

function assemble<S extends ParamSchema>(
  definition: LossDefinition<string, S>,
  params: Record<string, unknown>,
): LossFormulaSpec | null {
  const formula = definition.formula;
  if (!formula) return null;
  const parsed = formulaParams(definition, params);
  const body = formula.build(parsed);
  const rows = body.params.map((row): FormulaParam => {
    const [key, meaning] = typeof row === 'string' ? [row, undefined] : row;
    const symbol = formula.symbols[key];
    if (!symbol) throw new Error(`${definition.id}: the formula lists '${key}' without a symbol`);
    return { key, symbol: symbol[0], value: texValue(parsed[key]), meaning: meaning ?? symbol[1] };
  });
  return {
    loss: definition.id,
    ...(body.variant !== undefined ? { variant: body.variant } : {}),
    title: body.title,
    tex: body.tex,
    where: body.where,
    params: rows,
    derived: body.derived,
    note: body.note,
    citation: shortCitation(definition.citation),
  };
}

/** The formula of `loss` with `params` (defaults filled in); null for a function without one. */
export function lossFormula(
  loss: string,
  params: Record<string, unknown> = {},
): LossFormulaSpec | null {
  const definition = findEntry(loss);
  return definition ? assemble(definition, params) : null;
}

/** The FairKL regulariser as it enters the total loss, with its weight λ. */
export function regularizerFormula(reg: RegularizerSpec): LossFormulaSpec {
  const spec = assemble(fairkl, { temperature: reg.temperature, kld: reg.kld })!;
  return {
    ...spec,
    tex: `\\mathcal{L}_{\\text{total}} = \\mathcal{L} + \\lambda\\, \\mathcal{R}_{\\text{FairKL}},\\qquad ${FAIRKL_TEX}`,
    params: [
      ...spec.params,
      {
        key: 'weight',
        symbol: '\\lambda',
        value: texNumber(reg.weight),
        meaning: 'weight of the regulariser in the total loss',
      },
    ],
  };
}

/** The parameter line shown under a formula: `\tau = 0.1,\ \tau_b = 0.07, …`. */
export function paramsLine(spec: LossFormulaSpec): string {
  return spec.params.map((p) => `${p.symbol} = ${p.value}`).join(',\\quad ');
}

/**
 * The selected loss's formula, rendered with KaTeX (fonts bundled through the CSS import, no
 * CDN), its definitions, and the current hyperparameters listed under it with derived values
 * (τ/τ_b, ε·τ…). Plain props: the loss name and its effective parameters.
 */
import 'katex/dist/katex.min.css';
import katex from 'katex';
import { useMemo } from 'react';
import {
  lossFormula,
  paramsLine,
  regularizerFormula,
  type LossFormulaSpec,
  type RegularizerSpec,
} from '../ml/losses/formula';

export interface LossFormulaProps {
  /** Catalog name of the loss (`supcon`, `eps_supinfonce`…). */
  loss: string;
  /** The loss's effective parameters (defaults are filled in for missing ones). */
  params?: Record<string, unknown>;
  /** FairKL added to the loss with weight λ. */
  regularizer?: RegularizerSpec | null;
  /** Show the definitions under the formula (default true). */
  showDefinitions?: boolean;
  /** Show the citation (default true). */
  showCitation?: boolean;
  talk?: boolean;
  className?: string;
}

const cache = new Map<string, string>();

/** KaTeX HTML + MathML (read by screen readers); a bad formula shows its source in red. */
export function renderTex(tex: string, displayMode: boolean): string {
  const key = `${displayMode ? 'D' : 'I'}${tex}`;
  let html = cache.get(key);
  if (html === undefined) {
    html = katex.renderToString(tex, {
      displayMode,
      throwOnError: false,
      strict: 'ignore',
      output: 'htmlAndMathml',
      trust: false,
    });
    if (cache.size > 500) cache.clear();
    cache.set(key, html);
  }
  return html;
}

function Tex({ tex, display = false }: { tex: string; display?: boolean }) {
  const html = useMemo(() => renderTex(tex, display), [tex, display]);
  // KaTeX output of our own formula strings (values go through texValue, which escapes text).
  return display ? (
    <div className="katex-block" dangerouslySetInnerHTML={{ __html: html }} />
  ) : (
    <span dangerouslySetInnerHTML={{ __html: html }} />
  );
}

function FormulaBlock({
  spec,
  showDefinitions,
  talk,
}: {
  spec: LossFormulaSpec;
  showDefinitions: boolean;
  talk: boolean;
}) {
  return (
    <>
      <div style={{ overflowX: 'auto', overflowY: 'hidden' }}>
        <Tex tex={spec.tex} display />
      </div>
      {showDefinitions && spec.where.length ? (
        <ul
          className="loss-formula-where"
          aria-label="Definitions"
          style={{ listStyle: 'none', paddingLeft: 0, margin: '0.25em 0', overflowX: 'auto' }}
        >
          {spec.where.map((line) => (
            <li key={line} style={{ margin: '0.2em 0' }}>
              <Tex tex={line} />
            </li>
          ))}
        </ul>
      ) : null}
      {spec.params.length ? (
        <div
          className="loss-formula-params"
          aria-label="Current hyperparameters"
          style={{ overflowX: 'auto' }}
        >
          <Tex tex={paramsLine(spec)} />
          <dl style={{ margin: '0.3em 0', fontSize: talk ? '1rem' : '0.8rem' }}>
            {spec.params.map((p) => (
              <div key={p.key} style={{ display: 'flex', gap: '0.5em' }}>
                <dt style={{ minWidth: '4em' }}>
                  <Tex tex={p.symbol} /> <code>{p.key}</code>
                </dt>
                <dd style={{ margin: 0 }}>{p.meaning}</dd>
              </div>
            ))}
          </dl>
        </div>
      ) : null}
      {spec.derived.length ? (
        <div
          className="loss-formula-derived"
          aria-label="Derived values"
          style={{ overflowX: 'auto' }}
        >
          <Tex tex={spec.derived.join(',\\qquad ')} />
        </div>
      ) : null}
    </>
  );
}

export function LossFormula({
  loss,
  params,
  regularizer,
  showDefinitions = true,
  showCitation = true,
  talk = false,
  className,
}: LossFormulaProps) {
  const spec = useMemo(() => lossFormula(loss, params), [loss, params]);
  const reg = useMemo(
    () => (regularizer && regularizer.weight > 0 ? regularizerFormula(regularizer) : null),
    [regularizer],
  );
  const classes = ['loss-formula', talk ? 'talk' : '', className ?? ''].filter(Boolean).join(' ');
  const style = { fontSize: talk ? '1.35rem' : '1rem', lineHeight: 1.4 };
  if (!spec) {
    return (
      <section className={classes} aria-label={`Loss formula: ${loss}`} style={style}>
        <p>
          No formula for <code>{loss}</code>.
        </p>
      </section>
    );
  }
  return (
    <section className={classes} aria-label={`Loss formula: ${spec.title}`} style={style}>
      <div className="loss-formula-title" style={{ fontWeight: 600 }}>
        {spec.title}
      </div>
      <FormulaBlock spec={spec} showDefinitions={showDefinitions} talk={talk} />
      <p className="loss-formula-note" style={{ margin: '0.4em 0' }}>
        {spec.note}
      </p>
      {reg ? (
        <div className="loss-formula-regularizer">
          <div className="loss-formula-title" style={{ fontWeight: 600 }}>
            + {reg.title}
          </div>
          <FormulaBlock spec={reg} showDefinitions={showDefinitions} talk={talk} />
          <p className="loss-formula-note" style={{ margin: '0.4em 0' }}>
            {reg.note}
          </p>
        </div>
      ) : null}
      {showCitation ? (
        <p
          className="loss-formula-citation"
          style={{ fontSize: '0.8em', color: '#555', margin: 0 }}
        >
          {spec.citation}
          {reg ? `; ${reg.citation}` : ''}
        </p>
      ) : null}
    </section>
  );
}

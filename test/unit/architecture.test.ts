/**
 * docs/ARCHITECTURE.md lists the layer rules; this keeps the list equal to what eslint.config.js
 * enforces (every no-restricted-imports block, in order: its files, its exceptions, its patterns).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, test } from 'vitest';

interface Row {
  files: string[];
  except: string[];
  forbidden: string[];
}

const ticks = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

function documented(): Row[] {
  const doc = readFileSync('docs/ARCHITECTURE.md', 'utf8');
  const ui = ticks(/`UI` stands for ([^)]*)\)/.exec(doc)![1]!);
  const table = /<!-- lint-rules:begin[^>]*-->([\s\S]*?)<!-- lint-rules:end -->/.exec(doc)![1]!;
  return table
    .trim()
    .split('\n')
    .slice(2)
    .map((line) => {
      const [files, except, forbidden] = line.split('|').slice(1, 4) as [string, string, string];
      return {
        files: ticks(files),
        except: ticks(except),
        forbidden: forbidden
          .split(',')
          .map((s) => s.trim())
          .flatMap((s) => (s === 'UI' ? ui : ticks(s))),
      };
    });
}

async function enforced(): Promise<Row[]> {
  type Block = {
    files?: string[];
    ignores?: string[];
    rules?: Record<string, unknown>;
  };
  // A plain JS module without types: loaded by its URL.
  const url = pathToFileURL(resolve('eslint.config.js')).href;
  const { default: config } = (await import(/* @vite-ignore */ url)) as { default: Block[] };
  return config
    .filter((b) => b.files && b.rules?.['no-restricted-imports'])
    .map((b) => {
      const [, options] = b.rules!['no-restricted-imports'] as [
        string,
        { patterns: { group: string[] }[] },
      ];
      return {
        files: b.files!,
        except: b.ignores ?? [],
        forbidden: options.patterns.flatMap((p) => p.group),
      };
    });
}

test('docs/ARCHITECTURE.md lists exactly the import rules of eslint.config.js', async () => {
  const doc = documented();
  expect(doc.length).toBeGreaterThan(0);
  expect(doc).toEqual(await enforced());
});

/**
 * The training configuration: the contract shared by the UI, the URL, the worker and the headless
 * runner. Validated with zod; an invalid config gets an error naming the field.
 */
import { z } from 'zod';
import { encoderConfigSchema } from './encoderConfig';
import { catalogEntry, parseParams, CATALOG } from '../ml/losses/catalog';

const trainableLosses = CATALOG.filter((e) => e.kind === 'loss' && e.name !== 'fairkl').map(
  (e) => e.name,
);

export const positivesSchema = z.strictObject({
  name: z.enum(['views', 'class', 'kernel', 'threshold']),
  /** The continuous attribute for `kernel` / `threshold` positives (e.g. `age`), or several for a prior. */
  attribute: z.union([z.string(), z.array(z.string()).min(1)]).optional(),
  /** `threshold`: attribute distance under which two samples are positives. */
  delta: z.number().positive().optional(),
});

export const kernelSchema = z.strictObject({
  name: z.enum(['rbf', 'gaussian', 'cauchy', 'cosine']),
  sigma: z.number().positive().optional(),
});

export const optimizerSchema = z.strictObject({
  name: z.enum(['adam', 'sgd']),
  lr: z.number().positive().max(10),
  momentum: z.number().min(0).max(0.999).optional(),
});

export const trainingConfigSchema = z
  .strictObject({
    dataset: z.looseObject({ name: z.string().min(1) }),
    positives: positivesSchema.default({ name: 'views' }),
    kernel: kernelSchema.optional(),
    loss: z.looseObject({ name: z.string() }),
    regularizer: z
      .strictObject({
        name: z.literal('fairkl'),
        weight: z.number().min(0),
        temperature: z.number().positive().optional(),
        kld: z.number().min(0).optional(),
      })
      .optional(),
    encoder: encoderConfigSchema,
    /** Second encoder of SepCLR (the salient one); defaults to a copy of `encoder`. */
    salientEncoder: encoderConfigSchema.optional(),
    embeddingDim: z.number().int().min(2).max(128),
    salientDim: z.number().int().min(1).max(128).optional(),
    batchSize: z.number().int().min(4).max(4096),
    views: z.number().int().min(1).max(8).default(2),
    optimizer: optimizerSchema,
    steps: z.number().int().min(0).max(1_000_000),
    evalEvery: z.number().int().min(1).default(50),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1),
    augment: z.record(z.string(), z.unknown()).optional(),
    evaluation: z
      .strictObject({
        maxTrain: z.number().int().min(10).default(2000),
        maxTest: z.number().int().min(10).default(1000),
        knnK: z.number().int().min(1).default(20),
      })
      .default({ maxTrain: 2000, maxTest: 1000, knnK: 20 }),
  })
  .superRefine((config, ctx) => {
    if (!trainableLosses.includes(config.loss.name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['loss', 'name'],
        message: `unknown loss '${config.loss.name}' (valid: ${trainableLosses.join(', ')})`,
      });
      return;
    }
    const { name, ...params } = config.loss;
    try {
      catalogEntry(name);
      parseParams(name, params);
    } catch (error) {
      ctx.addIssue({ code: 'custom', path: ['loss'], message: (error as Error).message });
    }
  });

export type TrainingConfig = z.infer<typeof trainingConfigSchema>;

/** Parses a config, or throws an error whose message names every bad field. */
export function parseTrainingConfig(input: unknown): TrainingConfig {
  const result = trainingConfigSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (i) => `${i.path.map(String).join('.') || '(config)'}: ${i.message}`,
  );
  throw new Error(`Invalid training config — ${problems.join('; ')}`);
}

/**
 * The training configuration: the contract shared by the UI, the URL, the worker and the headless
 * runner. Validated with zod; an invalid config gets an error naming the field.
 */
import { z } from 'zod';
import { encoderConfigSchema } from './encoderConfig';
import { catalogEntry, listTrainable, parseParams } from '../ml/losses/catalog';

const trainableLosses = listTrainable().map((e) => e.id);

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

/**
 * A prior learnt from the images themselves: a small VAE trained before the contrastive run; its
 * latent means become attributes `vae0…vae{latentDim-1}` of every sample (a kernel prior for
 * decoupled uniformity, as with a generative model's features in Dufumier et al. 2023).
 */
export const priorSchema = z.strictObject({
  name: z.literal('vae'),
  latentDim: z.number().int().min(2).max(32).default(8),
  steps: z.number().int().min(1).max(100_000).default(300),
  batchSize: z.number().int().min(8).max(1024).default(128),
  lr: z.number().positive().max(1).default(0.001),
  /** Weight of the KL term (β-VAE). */
  beta: z.number().min(0).default(1),
});

/**
 * Transfer with few labels (Dufumier et al., NeuroImage 2024): on a downstream label, a linear
 * probe on the frozen encoder and a fine-tuned classifier from a `fraction` of the training labels,
 * against the same classifier trained from scratch. Computed at the final evaluation.
 */
export const transferSchema = z.strictObject({
  /** A class label (classification) or a continuous attribute (regression) of the data set. */
  label: z.string().min(1),
  fraction: z.number().gt(0).max(1).default(0.1),
  /** Optimiser steps of the fine-tuned and of the from-scratch classifier. */
  steps: z.number().int().min(1).max(100_000).default(200),
  batchSize: z.number().int().min(4).max(1024).default(32),
  lr: z.number().positive().max(1).default(0.001),
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
    prior: priorSchema.optional(),
    transfer: transferSchema.optional(),
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

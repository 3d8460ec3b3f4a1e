/**
 * One shared training budget per data set: every run of every claim on a data set uses the same
 * encoder, batch size, optimiser, steps and evaluation sizes; a claim only changes what it is about
 * (the loss, its positives, a regulariser, a prior; the batch size where the claim is about it).
 * Nothing here is tuned per claim.
 */
export type BudgetId =
  | 'mnist'
  | 'fashion-mnist'
  | 'colored-mnist'
  | 'brain-mri'
  | 'brain-mri-sepclr'
  | 'shapes'
  | 'digits-on-fashion';

export interface Budget {
  id: BudgetId;
  /** Config fields shared by every run on this data set (no loss, positives or seed). */
  base: Record<string, unknown>;
}

const mlp = { name: 'mlp', hidden: [256, 128], projectionHidden: 128 };
const adam = { name: 'adam', lr: 0.001 };
const evaluation = { maxTrain: 2000, maxTest: 1000, knnK: 20 };

/**
 * The MLP encoder everywhere keeps the full suite within about half an hour on two CPU cores; the
 * brain images (64×64×2) get fewer steps at a smaller batch because one step costs ~5× more.
 */
export const BUDGETS: Record<BudgetId, Budget> = {
  mnist: {
    id: 'mnist',
    base: {
      dataset: { name: 'mnist', nTrain: 4000, nTest: 1000 },
      encoder: mlp,
      embeddingDim: 16,
      batchSize: 128,
      views: 2,
      optimizer: adam,
      steps: 300,
      evaluation,
    },
  },
  'fashion-mnist': {
    id: 'fashion-mnist',
    base: {
      dataset: { name: 'fashion-mnist', nTrain: 4000, nTest: 1000 },
      encoder: mlp,
      embeddingDim: 16,
      batchSize: 128,
      views: 2,
      optimizer: adam,
      steps: 300,
      evaluation,
    },
  },
  'colored-mnist': {
    id: 'colored-mnist',
    base: {
      dataset: { name: 'colored-mnist', nTrain: 8000, nTest: 2000 },
      encoder: mlp,
      embeddingDim: 16,
      batchSize: 128,
      views: 2,
      optimizer: adam,
      steps: 300,
      evaluation,
    },
  },
  'brain-mri': {
    id: 'brain-mri',
    base: {
      dataset: { name: 'brain-mri', nTrain: 1500, nTest: 500 },
      encoder: mlp,
      embeddingDim: 16,
      batchSize: 64,
      views: 2,
      optimizer: adam,
      steps: 150,
      evaluation: { maxTrain: 1500, maxTest: 500, knnK: 20 },
    },
  },
  'brain-mri-sepclr': {
    id: 'brain-mri-sepclr',
    base: {
      dataset: { name: 'brain-mri-sepclr', nTrain: 1500, nTest: 500 },
      encoder: mlp,
      embeddingDim: 16,
      salientDim: 8,
      batchSize: 64,
      views: 2,
      optimizer: adam,
      steps: 150,
      evaluation: { maxTrain: 1500, maxTest: 500, knnK: 20 },
    },
  },
  shapes: {
    id: 'shapes',
    base: {
      dataset: { name: 'shapes', nTrain: 4000, nTest: 1000 },
      encoder: mlp,
      embeddingDim: 16,
      batchSize: 128,
      views: 2,
      optimizer: adam,
      steps: 300,
      evaluation,
    },
  },
  'digits-on-fashion': {
    id: 'digits-on-fashion',
    base: {
      dataset: { name: 'digits-on-fashion', nTrain: 4000, nTest: 1000 },
      encoder: mlp,
      embeddingDim: 16,
      salientDim: 8,
      batchSize: 128,
      views: 2,
      optimizer: adam,
      steps: 300,
      evaluation,
    },
  },
};

/** Quick mode: the same runs on tiny data for a few steps, to check the suite runs end to end. */
export const QUICK = {
  steps: 3,
  nTrain: 160,
  nTest: 80,
  evaluation: { maxTrain: 160, maxTest: 80, knnK: 5 },
  transferSteps: 3,
  priorSteps: 3,
};

/** Fine-tuning budget of the transfer claims (shared by every transfer run). */
export const TRANSFER = { fraction: 0.1, steps: 150, batchSize: 32, lr: 0.001 };

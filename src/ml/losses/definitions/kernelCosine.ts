import { z } from 'zod';
import { defineLoss } from '../define';
import { kernelMetadata } from './shared';

export const definition = defineLoss({
  id: 'kernel_cosine',
  kind: 'kernel',
  description: 'Cosine kernel ⟨p, p′⟩/(‖p‖‖p′‖)',
  citation:
    'Duplums/contrastive-decoupled-uniformity src/util.py, its broken import fixed (spec B §5, §2.4)',
  inputs: [kernelMetadata],
  schema: z.strictObject({}),
});

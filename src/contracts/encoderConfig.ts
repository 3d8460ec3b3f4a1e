/** Encoder settings (MLP or small CNN with a projection head); shared by the UI, the URL and the engine. */
import { z } from 'zod';

export const encoderConfigSchema = z.discriminatedUnion('name', [
  z.strictObject({
    name: z.literal('mlp'),
    /** Widths of the hidden layers; the last is the representation size. */
    hidden: z.array(z.number().int().min(1).max(4096)).min(1).max(8).default([256, 128]),
    projectionHidden: z.number().int().min(1).max(4096).default(128),
  }),
  z.strictObject({
    name: z.literal('cnn'),
    /** Channels of the stride-2 3×3 convolutions. */
    channels: z.array(z.number().int().min(1).max(512)).min(1).max(6).default([16, 32]),
    /** Width of the dense representation layer after flattening. */
    representation: z.number().int().min(1).max(4096).default(128),
    projectionHidden: z.number().int().min(1).max(4096).default(128),
  }),
]);
export type EncoderConfig = z.infer<typeof encoderConfigSchema>;

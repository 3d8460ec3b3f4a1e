/** A worker module imported outside a worker (tests, the page) installs no message handler. */
import { expect, test } from 'vitest';
import { dedicatedWorkerScope } from '../../../src/worker/workerScope';

test('outside a dedicated worker there is no worker scope', () => {
  expect(dedicatedWorkerScope()).toBeUndefined();
});

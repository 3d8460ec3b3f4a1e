/** Placeholder replaced below. */
export async function checkFilesInBrowser(_files: unknown): Promise<never> {
  throw new Error('webgpu vector check not implemented yet');
}

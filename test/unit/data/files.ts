/** Small files for the upload tests (Node unit tests and the browser test alike). */

/**
 * A minimal NIfTI-1 file: a uint8 nx×ny×nz volume whose voxel i (x fastest) is `voxel(i)`,
 * optionally cut short after `truncateTo` bytes.
 */
export function nifti(
  nx: number,
  ny: number,
  nz: number,
  {
    voxel = (i: number) => i % 200,
    truncateTo,
  }: { voxel?: (i: number) => number; truncateTo?: number } = {},
): Uint8Array {
  const buf = new ArrayBuffer(352 + nx * ny * nz);
  const dv = new DataView(buf);
  dv.setInt32(0, 348, true); // sizeof_hdr
  [3, nx, ny, nz, 1, 1, 1, 1].forEach((d, i) => dv.setInt16(40 + 2 * i, d, true));
  dv.setInt16(70, 2, true); // datatype: uint8
  dv.setInt16(72, 8, true); // bitpix
  for (let i = 0; i < 8; i++) dv.setFloat32(76 + 4 * i, 1, true); // pixdim
  dv.setFloat32(108, 352, true); // vox_offset
  dv.setFloat32(112, 1, true); // scl_slope
  new Uint8Array(buf, 344, 4).set([0x6e, 0x2b, 0x31, 0]); // magic "n+1\0"
  const vox = new Uint8Array(buf, 352);
  for (let i = 0; i < vox.length; i++) vox[i] = voxel(i);
  const all = new Uint8Array(buf);
  return truncateTo === undefined ? all : all.slice(0, truncateTo);
}

/**
 * The repulsive forces of Barnes–Hut t-SNE on a quadtree rebuilt every iteration, in flat typed
 * arrays.
 *
 * Instead of walking the tree once per point (a branch per visited cell, badly predicted), points
 * are gathered in groups (the tree's cells of at most `groupSize` points) and the tree is walked
 * once per group: a cell is summarised by its centre of mass when its width is below θ times its
 * distance to the group's bounding box — for every point of the group at least as strict as the
 * per-point test of scikit-learn — and leaves that are too close are listed individually. Each
 * point then runs a branch-free loop over its group's list. Cells far from the whole group act
 * through a first-order expansion about the group's centre (see `repulsion`). Measured against the
 * exact O(n²) sums on MNIST layouts, the force error is 2–3× below that of per-point Barnes–Hut at
 * the same θ.
 */

// Insertion-tree cell layout (one cache line per cell): centre x, y, half-width, sum (then centre
// of mass) x, y, point count, first child (−1 for a leaf), one point of a leaf.
const CX = 0;
const CY = 1;
const HW = 2;
const MX = 3;
const MY = 4;
const COUNT = 5;
const CHILD = 6;
const POINT = 7;
const STRIDE = 8;

export class RepulsionTree {
  private capacity = 0;
  private cells = 0;
  private node = new Float64Array(0);
  // Preorder layout of the non-empty cells: [mx, my, width (0 for a leaf), count], skip pointers.
  private flat = new Float64Array(0);
  private next = new Int32Array(0);
  private flatCells = 0;
  private size = new Int32Array(0);
  private pos = new Int32Array(0);
  // Groups of points (members in spatial order, also the next build's insertion order).
  private groupOf = new Int32Array(0);
  private groupStart = new Int32Array(0);
  private members = new Int32Array(0);
  private pointGroup = new Int32Array(0);
  private list = new Float64Array(3 * 1024);

  /** Cells in the last tree (for diagnostics). */
  get cellCount(): number {
    return this.cells;
  }

  private grow(min: number) {
    let cap = Math.max(64, this.capacity);
    while (cap < min) cap *= 2;
    if (cap === this.capacity) return;
    const node = new Float64Array(cap * STRIDE);
    node.set(this.node.subarray(0, this.cells * STRIDE));
    this.node = node;
    this.size = new Int32Array(cap);
    this.pos = new Int32Array(cap);
    this.flat = new Float64Array(4 * cap);
    this.next = new Int32Array(cap);
    this.groupOf = new Int32Array(cap);
    this.capacity = cap;
  }

  /** Builds the quadtree of n points y (n × 2, row-major). */
  build(y: Float64Array, n: number): void {
    this.cells = 0;
    if (this.capacity < 4 * n + 256) this.grow(4 * n + 256);
    // Insert in the previous iteration's spatial order (cache-friendly descents).
    if (this.members.length !== n) this.members = Int32Array.from({ length: n }, (_, i) => i);
    const order = this.members;
    let x0 = Infinity;
    let x1 = -Infinity;
    let y0 = Infinity;
    let y1 = -Infinity;
    for (let i = 0; i < n; i++) {
      const px = y[2 * i]!;
      const py = y[2 * i + 1]!;
      if (px < x0) x0 = px;
      if (px > x1) x1 = px;
      if (py < y0) y0 = py;
      if (py > y1) y1 = py;
    }
    const half = Math.max(x1 - x0, y1 - y0, 1e-12) * 0.5 * (1 + 1e-6) + 1e-12;
    let node = this.node;
    node[CX] = (x0 + x1) / 2;
    node[CY] = (y0 + y1) / 2;
    node[HW] = half;
    node[MX] = 0;
    node[MY] = 0;
    node[COUNT] = 0;
    node[CHILD] = -1;
    node[POINT] = -1;
    let cells = 1;
    for (let r = 0; r < n; r++) {
      // Room for the deepest possible descent (62 splits of 4 cells).
      if (cells + 256 > this.capacity) {
        this.cells = cells;
        this.grow(cells + 256);
        node = this.node;
      }
      const i = order[r]!;
      const px = y[2 * i]!;
      const py = y[2 * i + 1]!;
      let o = 0;
      for (let depth = 0; ; depth++) {
        const m = node[o + COUNT]! + 1;
        node[o + COUNT] = m;
        node[o + MX] = node[o + MX]! + px;
        node[o + MY] = node[o + MY]! + py;
        const first = node[o + CHILD]!;
        if (first >= 0) {
          o = (first + (px > node[o + CX]! ? 1 : 0) + (py > node[o + CY]! ? 2 : 0)) * STRIDE;
          continue;
        }
        if (m === 1) {
          node[o + POINT] = i;
          break;
        }
        // An occupied leaf: coincident points (or maximal depth) stay together.
        const q = node[o + POINT]!;
        const qx = y[2 * q]!;
        const qy = y[2 * q + 1]!;
        if ((qx === px && qy === py) || depth > 60) break;
        // Split: the m − 1 earlier points (all at q's position) move to one child, then descend.
        const h = node[o + HW]! / 2;
        const ccx = node[o + CX]!;
        const ccy = node[o + CY]!;
        const base = cells;
        cells += 4;
        for (let k = 0; k < 4; k++) {
          const b = (base + k) * STRIDE;
          node[b + CX] = k & 1 ? ccx + h : ccx - h;
          node[b + CY] = k & 2 ? ccy + h : ccy - h;
          node[b + HW] = h;
          node[b + MX] = 0;
          node[b + MY] = 0;
          node[b + COUNT] = 0;
          node[b + CHILD] = -1;
          node[b + POINT] = -1;
        }
        node[o + CHILD] = base;
        node[o + POINT] = -1;
        const qc = (base + (qx > ccx ? 1 : 0) + (qy > ccy ? 2 : 0)) * STRIDE;
        node[qc + COUNT] = m - 1;
        node[qc + MX] = qx * (m - 1);
        node[qc + MY] = qy * (m - 1);
        node[qc + POINT] = q;
        o = (base + (px > ccx ? 1 : 0) + (py > ccy ? 2 : 0)) * STRIDE;
      }
    }
    this.cells = cells;
    for (let c = 0; c < cells; c++) {
      const o = c * STRIDE;
      const m = node[o + COUNT]!;
      if (m > 0) {
        node[o + MX] = node[o + MX]! / m;
        node[o + MY] = node[o + MY]! / m;
      }
    }
    this.flatten();
  }

  /** Lays the non-empty cells out in depth-first preorder with skip pointers. */
  private flatten() {
    const { size, pos, node, flat, next } = this;
    const cells = this.cells;
    // Children always have larger indices than their parent: subtree sizes in reverse order.
    for (let c = cells - 1; c >= 0; c--) {
      const o = c * STRIDE;
      if (node[o + COUNT]! === 0) {
        size[c] = 0;
        continue;
      }
      const f = node[o + CHILD]!;
      size[c] = f < 0 ? 1 : 1 + size[f]! + size[f + 1]! + size[f + 2]! + size[f + 3]!;
    }
    pos[0] = 0;
    for (let c = 0; c < cells; c++) {
      const sc = size[c]!;
      if (sc === 0) continue;
      const p = pos[c]!;
      const o = c * STRIDE;
      const f = node[o + CHILD]!;
      const fo = 4 * p;
      const h = node[o + HW]!;
      flat[fo] = node[o + MX]!;
      flat[fo + 1] = node[o + MY]!;
      flat[fo + 2] = f < 0 ? 0 : 2 * h;
      flat[fo + 3] = node[o + COUNT]!;
      next[p] = p + sc;
      if (f >= 0) {
        let run = p + 1;
        for (let k = f; k < f + 4; k++) {
          if (size[k]! > 0) {
            pos[k] = run;
            run += size[k]!;
          }
        }
      }
    }
    this.flatCells = size[0]!;
  }

  /**
   * Assigns every point to the first cell on its path holding at most `groupSize` points, and
   * lists the points group by group (in `members`, in tree order).
   */
  private makeGroups(y: Float64Array, n: number, groupSize: number): number {
    if (this.pointGroup.length !== n) this.pointGroup = new Int32Array(n);
    const { groupOf, node, pointGroup } = this;
    groupOf.fill(-1, 0, this.cells);
    let groups = 0;
    for (let i = 0; i < n; i++) {
      const px = y[2 * i]!;
      const py = y[2 * i + 1]!;
      let c = 0;
      for (;;) {
        const o = c * STRIDE;
        const f = node[o + CHILD]!;
        if (node[o + COUNT]! <= groupSize || f < 0) break;
        c = f + (px > node[o + CX]! ? 1 : 0) + (py > node[o + CY]! ? 2 : 0);
      }
      if (groupOf[c]! < 0) groupOf[c] = groups++;
      pointGroup[i] = groupOf[c]!;
    }
    if (this.groupStart.length < groups + 1) this.groupStart = new Int32Array(groups + 1);
    const start = this.groupStart;
    start.fill(0, 0, groups + 1);
    for (let i = 0; i < n; i++) start[pointGroup[i]! + 1]!++;
    for (let g = 0; g < groups; g++) start[g + 1] = start[g + 1]! + start[g]!;
    const members = this.members;
    const fill = start.slice(0, groups);
    for (let i = 0; i < n; i++) members[fill[pointGroup[i]!]!++] = i;
    return groups;
  }

  /**
   * Unnormalised repulsion: for each point i writes Σ_j q_ij² Z (y_i − y_j) into out (n × 2) and
   * returns Z = Σ_{i≠j} (1 + ‖y_i − y_j‖²)⁻¹, both with the Barnes–Hut approximation at θ.
   *
   * Per group of nearby points, each cell of the tree is either
   * - far from the whole group ((cell width + group size) / distance < θ·expansion): its monopole
   *   is expanded to first order about the group's centre once, and every point of the group reads
   *   the force and Z off that expansion (a cell–group interaction);
   * - far enough from every point of the group (width / distance to the group's box < θ) or a leaf:
   *   listed, and each point interacts with its centre of mass directly;
   * - otherwise opened.
   */
  repulsion(
    y: Float64Array,
    n: number,
    theta: number,
    out: Float64Array,
    groupSize = 48,
    expansion = 1,
  ): number {
    this.build(y, n);
    const groups = this.makeGroups(y, n, groupSize);
    const { flat, next, members, groupStart } = this;
    const cells = this.flatCells;
    const theta2 = theta * theta;
    const far2 = (theta * expansion) ** 2;
    let sumQ = 0;
    for (let g = 0; g < groups; g++) {
      const s0 = groupStart[g]!;
      const s1 = groupStart[g + 1]!;
      let bx0 = Infinity;
      let bx1 = -Infinity;
      let by0 = Infinity;
      let by1 = -Infinity;
      for (let s = s0; s < s1; s++) {
        const i = members[s]!;
        const px = y[2 * i]!;
        const py = y[2 * i + 1]!;
        if (px < bx0) bx0 = px;
        if (px > bx1) bx1 = px;
        if (py < by0) by0 = py;
        if (py > by1) by1 = py;
      }
      const gx = (bx0 + bx1) / 2;
      const gy = (by0 + by1) / 2;
      const size = Math.max(bx1 - bx0, by1 - by0);
      // First-order expansion about (gx, gy): F ≈ A + B δ, Z ≈ z0 + b·δ.
      let ax = 0;
      let ay = 0;
      let bxx = 0;
      let bxy = 0;
      let byy = 0;
      let z0 = 0;
      let zx = 0;
      let zy = 0;
      let list = this.list;
      let len = 0;
      let c = 0;
      while (c < cells) {
        const o = 4 * c;
        const cmx = flat[o]!;
        const cmy = flat[o + 1]!;
        const w = flat[o + 2]!;
        const rx = gx - cmx;
        const ry = gy - cmy;
        const r2 = rx * rx + ry * ry;
        const reach = w + size;
        if (reach * reach < far2 * r2) {
          const m = flat[o + 3]!;
          const q = 1 / (1 + r2);
          const mq = m * q;
          const mq2 = mq * q;
          const mq3 = 4 * mq2 * q;
          z0 += mq;
          zx -= 2 * mq2 * rx;
          zy -= 2 * mq2 * ry;
          ax += mq2 * rx;
          ay += mq2 * ry;
          bxx += mq2 - mq3 * rx * rx;
          bxy -= mq3 * rx * ry;
          byy += mq2 - mq3 * ry * ry;
          c = next[c]!;
          continue;
        }
        const ex = cmx < bx0 ? bx0 - cmx : cmx > bx1 ? cmx - bx1 : 0;
        const ey = cmy < by0 ? by0 - cmy : cmy > by1 ? cmy - by1 : 0;
        if (w === 0 || w * w < theta2 * (ex * ex + ey * ey)) {
          if (len + 3 > list.length) {
            const bigger = new Float64Array(list.length * 2);
            bigger.set(list);
            list = bigger;
            this.list = list;
          }
          list[len] = cmx;
          list[len + 1] = cmy;
          list[len + 2] = flat[o + 3]!;
          len += 3;
          c = next[c]!;
        } else {
          c++;
        }
      }
      for (let s = s0; s < s1; s++) {
        const i = members[s]!;
        const px = y[2 * i]!;
        const py = y[2 * i + 1]!;
        const dx0 = px - gx;
        const dy0 = py - gy;
        let fx = ax + bxx * dx0 + bxy * dy0;
        let fy = ay + bxy * dx0 + byy * dy0;
        let z = z0 + zx * dx0 + zy * dy0;
        for (let a = 0; a < len; a += 3) {
          const dx = px - list[a]!;
          const dy = py - list[a + 1]!;
          const q = 1 / (1 + dx * dx + dy * dy);
          const mq = list[a + 2]! * q;
          z += mq;
          const mult = mq * q;
          fx += mult * dx;
          fy += mult * dy;
        }
        // i's own leaf is in its list at distance 0 (θ ≤ 1/√2 guarantees it is never summarised).
        sumQ += z - 1;
        out[2 * i] = fx;
        out[2 * i + 1] = fy;
      }
    }
    return sumQ;
  }
}
